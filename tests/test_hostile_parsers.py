"""The spider's sitemap, feed and listing callbacks on arbitrary bytes and XML-like soup (hypothesis):
they yield requests or nothing, never raise (an exception in a callback loses the rest of the
response and logs a traceback)."""
from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from lexwatch.crawler.spiders.outlets import KazinformSpider
from lexwatch.crawler.spiders.outlets import ReportSpider

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIECES = st.sampled_from([
    '<?xml version="1.0"?>', "<urlset>", "</urlset>", "<sitemapindex>", "<sitemap>", "<url>", "</url>", "<loc>",
    "</loc>", "https://report.az/en/ict/some-story", "/en/ict/other-story", "https://evil.example/x", "<lastmod>",
    "2026-03-12T14:23:00+04:00", "9999-99-99", "</lastmod>", "<rss>", "<channel>", "<item>", "<link>", "</link>",
    "<pubDate>", "Thu, 45 Foo 2026", "</pubDate>", "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>",
    "<link href='https://report.az/en/ict/atom-story'/>", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "&e;", "&amp;", "<![CDATA[", "]]>", "\x00", "\ufeff", "<news:publication_date>", "<!--", "-->", "<<", ">>",
    '<div class="news-feed"><div class="news-item"><a class="news-item__title" href="javascript:alert(1)">x</a>',
    '<a class="pagination__next" href="?page=2">', "</div>",
])


def _soup(parts: list[str]) -> bytes:
    return "".join(parts).encode("utf-8", "surrogatepass")


def _run(callback, body: bytes, url: str, meta: dict) -> list:
    response = Response(url=url, body=body, request=Request(url, meta=meta))
    return list(callback(response) or [])


@FUZZ
@given(st.one_of(st.binary(max_size=3000), st.lists(PIECES, max_size=40).map(_soup)))
def test_sitemap_and_feed_callbacks_never_raise(body):
    spider = ReportSpider(lang="en")
    for callback, kind in ((spider.parse_sitemap, "sitemap"), (spider.parse_feed, "feed")):
        for out in _run(callback, body, "https://report.az/sitemap.xml", {"lw_kind": kind}):
            # http(s) only; an off-site one is dropped by SiteBoundaryMiddleware (tests/test_crawl_replicas.py)
            assert isinstance(out, Request) and urlsplit(out.url).scheme in ("http", "https")


@FUZZ
@given(st.lists(PIECES, max_size=40).map(_soup))
def test_listing_callback_never_raises(body):
    spider = KazinformSpider(lang="ru")
    url = "https://www.inform.kz/ru/lenta"
    response = HtmlResponse(url=url, body=body, encoding="utf-8",
                            request=Request(url, meta={"lw_kind": "listing", "lw_chain": url, "lw_page_no": 1}))
    for out in spider.parse_listing(response):
        assert isinstance(out, Request) and urlsplit(out.url).scheme in ("http", "https")


def test_external_entities_are_not_read(tmp_path):
    """XXE: a sitemap whose <loc> is an entity naming a local file must not leak the file's content."""
    secret = tmp_path / "secret.txt"
    secret.write_text("https://report.az/en/ict/leaked-secret-story")
    body = (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY e SYSTEM "file://{secret}">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&e;</loc></url></urlset>').encode()
    spider = ReportSpider(lang="en")
    for callback in (spider.parse_sitemap, spider.parse_feed):
        assert not [r for r in _run(callback, body, "https://report.az/sitemap.xml", {}) if "leaked" in r.url]


def test_entity_expansion_bombs_are_not_expanded():
    """Billion laughs: nested internal entities would expand to gigabytes."""
    lol = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    body = (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY l0 "lol">{lol}]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://report.az/en/ict/a-b'
            '</loc><lastmod>&l9;</lastmod></url></urlset>').encode()
    spider = ReportSpider(lang="en")
    [request] = _run(spider.parse_sitemap, body, "https://report.az/sitemap/en/x.xml", {})
    assert request.url == "https://report.az/en/ict/a-b" and request.meta["lw_lastmod"] is None
