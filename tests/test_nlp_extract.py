"""Extraction on realistic pages: bodies without sidebars, dates by the order of trust with the
outlet's offset, translations, charsets that lie, and clear errors on unusable input."""
from pathlib import Path

import pytest

from lexwatch.article import validate
from lexwatch.nlp import AnalysisError, analyze_page
from lexwatch.nlp.dates import parse_visible

EVAL = Path(__file__).parent / "data" / "eval" / "pages"

PARAS = "".join(f"<p>Paragraph {i} of the article about a new road tax explains the details of the reform "
                f"and what drivers should expect in the coming months.</p>" for i in range(4))


def page(head: str = "", article_extra: str = "", after: str = "", charset: str = "utf-8") -> str:
    return (f'<html><head><meta charset="{charset}"><title>Road tax reform | Report.az</title>{head}</head><body>'
            f'<article><h1>Road tax reform</h1>{article_extra}{PARAS}</article>{after}</body></html>')


SIDEBAR = ('<aside class="sidebar latest-news"><h3>Latest News</h3>'
           '<div><time datetime="2026-05-01T14:29:00+04:00">14:29</time><a href="/en/x/">Deepfake law passed in first reading</a></div>'
           '<div><span class="time">14:18</span><a href="/en/y/">Court fines blogger for deepfake</a></div></aside>')


def test_sidebar_headlines_stay_out_of_body_and_tags():
    a = analyze_page(page(after=SIDEBAR), "https://report.az/en/economy/road-tax-reform/")
    assert "Paragraph 3" in a.body
    assert "Deepfake" not in a.body and "blogger" not in a.body
    assert a.deepfake["relevant"] is False
    validate(a.to_dict())


def test_date_order_of_trust_and_outlet_offset():
    ld = '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Road tax reform","datePublished":"2026-03-12T14:23:00"}</script>'
    meta = '<meta property="article:published_time" content="2026-03-11T09:00:00+04:00">'
    a = analyze_page(page(head=ld + meta, after=SIDEBAR), "https://report.az/en/economy/road-tax-reform/")
    assert a.published_at == "2026-03-12T14:23:00+04:00"        # JSON-LD first, Baku offset added
    b = analyze_page(page(head=meta, after=SIDEBAR), "https://report.az/en/economy/road-tax-reform/")
    assert b.published_at == "2026-03-11T09:00:00+04:00"
    c = analyze_page(page(article_extra='<time datetime="2025-11-22T10:15">22.11.2025</time>', after=SIDEBAR),
                     "https://www.inform.kz/ru/road-tax-a1b2c3")
    assert c.published_at == "2025-11-22T10:15:00+05:00"         # Astana offset, sidebar <time> ignored


def test_report_visible_dateline_not_sidebar_time():
    dateline = '<div class="news-date"><span>21 fevral, 2026</span> <span>11:05</span></div>'
    a = analyze_page(page(article_extra=dateline, after=SIDEBAR), "https://report.az/iqtisadiyyat/yol-vergisi/")
    assert a.published_at == "2026-02-21T11:05:00+04:00"
    assert parse_visible("12 March, 2026 • 14:23", "+04:00") == "2026-03-12T14:23:00+04:00"
    assert parse_visible("5 декабря 2025, 09:40", "+05:00") == "2025-12-05T09:40:00+05:00"


def test_translations_from_hreflang_and_language_links():
    head = ('<link rel="alternate" hreflang="ru" href="https://www.inform.kz/ru/dorozhnyy-nalog-a1">'
            '<link rel="alternate" hreflang="kz" href="https://www.inform.kz/kz/zhol-salygy-b2">')
    a = analyze_page(page(head=head), "https://www.inform.kz/en/road-tax-c3", outlet="kazinform")
    assert a.translations == {"ru": "https://www.inform.kz/ru/dorozhnyy-nalog-a1",
                              "kk": "https://www.inform.kz/kz/zhol-salygy-b2"}
    links = ('<div class="other-lang-news"><a href="/ru/economy/dorozhnyy-nalog/">Дорожный налог</a>'
             '<a href="/iqtisadiyyat/yol-vergisi/">Yol vergisi</a></div><div class="lang-switcher"><a href="/ru/">RU</a></div>')
    b = analyze_page(page(article_extra=links), "https://report.az/en/economy/road-tax/")
    assert b.translations == {"ru": "https://report.az/ru/economy/dorozhnyy-nalog/",
                              "az": "https://report.az/iqtisadiyyat/yol-vergisi/"}


def test_windows_1251_page_with_and_without_declaration():
    text = ("<html><head>{meta}<title>Налог</title></head><body><article><h1>Дорожный налог вырастет</h1>"
            + "".join(f"<p>Абзац {i}: депутаты обсудили повышение дорожного налога для владельцев автомобилей.</p>"
                      for i in range(4)) + "</article></body></html>")
    declared = analyze_page(text.format(meta='<meta charset="windows-1251">').encode("cp1251"), "https://kz.kursiv.media/x/")
    missing = analyze_page(text.format(meta="").encode("cp1251"), "https://kz.kursiv.media/x/")
    lying = analyze_page(text.format(meta='<meta charset="utf-8">').encode("cp1251"), "https://kz.kursiv.media/x/",
                         content_type="text/html; charset=utf-8")
    for a in (declared, missing, lying):
        assert "депутаты обсудили" in a.body and a.language == "ru"
    eval_page = analyze_page((EVAL / "ru14.html").read_bytes(), "https://kz.kursiv.media/2026-04-08/x/")
    assert "руководители банков" in eval_page.body


@pytest.mark.parametrize("body,ctype", [(b"", None), (b"   \n", None), (b"%PDF-1.7 binary", None),
                                        (b"\x89PNG\r\n\x1a\n\x00\x00", None),
                                        (b"<html><body><p>x</p></body></html>", "image/png"),
                                        (b"just some words, no markup", None),
                                        (b"<html><head></head><body></body></html>", None)])
def test_unusable_input_raises_analysis_error(body, ctype):
    with pytest.raises(AnalysisError):
        analyze_page(body, "https://report.az/en/x/", content_type=ctype)


def test_arbitrary_html_never_raises_anything_else():
    hostile = ["<html>" * 500, "<div><p>Deepfake</div></p>" * 50, "<html><body><script>alert(1)</script></body></html>",
               '<html><head><script type="application/ld+json">{"@type": ["NewsArticle"], "datePublished": 5}</script>'
               "</head><body><p>" + "Закон " * 200 + "</p></body></html>", "\ufeff<html><body><table><tr><td>" * 30]
    for text in hostile:
        try:
            a = analyze_page(text, "https://example.org/a")
        except AnalysisError:
            continue
        validate(a.to_dict())
