"""Render the evaluation corpus (corpus_*.yaml) into article pages and plain texts, and write
labels.json. Run after editing the corpus: `.venv/bin/python tests/data/eval/build.py`.

Pages imitate the three outlets' layouts with the noise the extractor must ignore: cookie
banners, edition switchers, trending tags, "Latest News" sidebars with their own times,
related-article blocks with other dates, comments and footers. Dates are given by JSON-LD,
by meta tags, by an article <time>, or only by a visible dateline, depending on `style`.
"""
from __future__ import annotations

import html
import json
from pathlib import Path

import yaml

HERE = Path(__file__).parent
MONTHS = {
    "az": "yanvar fevral mart aprel may iyun iyul avqust sentyabr oktyabr noyabr dekabr".split(),
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(),
    "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split(),
    "en": "January February March April May June July August September October November December".split(),
}
SIDEBAR_GENERAL = {
    "az": ["Prezident Türkiyə səfəri ilə bağlı sərəncam imzalayıb", "Neftin qiyməti yüksəlib", "Bakıda hava şəraiti dəyişəcək",
           "Milli komanda yoldaşlıq oyununda qalib gəlib", "Manatın rəsmi məzənnəsi açıqlanıb"],
    "ru": ["Нефть Brent подорожала до 82 долларов", "В Астане открылся новый мост", "Тенге укрепился к доллару",
           "Сборная Казахстана вышла в финал", "Погода на выходные: похолодание"],
    "kk": ["Теңге бағамы нығайды", "Астанада жаңа көпір ашылды", "Ауа райы: суық күшейеді"],
    "en": ["Oil prices climb on supply worries", "Baku hosts international energy forum", "Central bank keeps rate unchanged",
           "National team draws in friendly", "New metro station opens in Baku"],
}
SIDEBAR_DEEPFAKE = {
    "az": ["Dipfeyk videolara görə həbs cəzası təklif olunur", "Süni intellektlə saxta səs yaradan şəxs məhkum edildi",
           "Dipfeyklərə görə 7 000 manatadək cərimə tətbiq olunacaq"],
    "ru": ["Госдума приняла закон о дипфейках", "За дипфейки будут штрафовать до 100 МРП", "Суд оштрафовал автора дипфейка"],
    "kk": ["Дипфейк үшін айыппұл енгізіледі"],
    "en": ["Parliament adopts deepfake law in final reading", "Deepfake creators face up to 5 years in prison",
           "Court fines blogger for deepfake video"],
}
EDITION_PREFIX = {"report": {"az": "/", "ru": "/ru/", "en": "/en/"},
                  "kazinform": {"ru": "/ru/", "kk": "/kz/", "en": "/en/"},
                  "kursiv": {"ru": "/", "en": "/en/"}}
SITE = {"report": "https://report.az", "kazinform": "https://www.inform.kz", "kursiv": "https://kz.kursiv.media"}


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def paragraphs(body: str) -> str:
    return "\n".join(f"<p>{esc(p.strip())}</p>" for p in body.strip().splitlines() if p.strip())


def dateline(doc: dict, lang: str) -> str:
    p = doc["published"]
    y, m, d = int(p[:4]), int(p[5:7]), int(p[8:10])
    clock = p[11:16]
    return f'<div class="news-date"><span>{d} {MONTHS[lang][m - 1]}, {y}</span> <span>{clock}</span></div>'


def head(doc: dict, lang: str, charset: str | None) -> str:
    parts = [f'<meta charset="{charset}">' if charset else "",
             f"<title>{esc(doc['title'])} | {doc['outlet'].capitalize()}</title>",
             f'<meta property="og:title" content="{esc(doc["title"])}">',
             f'<link rel="canonical" href="{esc(doc["url"])}">']
    style, published = doc["style"], doc.get("published")
    if style in ("jsonld", "jsonld_naive"):
        stamp = published if style == "jsonld" else published[:19]
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": doc["title"],
              "datePublished": stamp, "dateModified": stamp, "inLanguage": lang,
              "author": [{"@type": "Person", "name": doc.get("author", "Aigerim Sadykova")}]}
        parts.append(f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
    if style == "meta":
        parts.append(f'<meta property="article:published_time" content="{published}">')
    if doc["outlet"] == "kazinform":
        for other, href in (doc.get("translations") or {}).items():
            parts.append(f'<link rel="alternate" hreflang="{other}" href="{esc(href)}">')
    return "\n".join(p for p in parts if p)


def sidebar(doc: dict, lang: str) -> str:
    pool = SIDEBAR_DEEPFAKE[lang] + SIDEBAR_GENERAL[lang] if doc.get("sidebar") == "deepfake" else SIDEBAR_GENERAL[lang]
    heading = {"az": "Son xəbərlər", "ru": "Последние новости", "kk": "Соңғы жаңалықтар", "en": "Latest News"}[lang]
    prefix = EDITION_PREFIX[doc["outlet"]].get(lang, "/")
    if doc["outlet"] == "report":
        items = "".join(f'<div class="news-item"><span class="time">{14 - i // 2:02d}:{(17 * i) % 60:02d}</span>'
                        f'<a href="{prefix}xeber/{i}-item/">{esc(h)}</a><span class="cat">Region</span></div>'
                        for i, h in enumerate(pool))
        return f'<aside class="sidebar latest-news"><h3>{heading}</h3>{items}<a href="{prefix}son-xeberler/">All News Feed</a></aside>'
    if doc["outlet"] == "kazinform":
        items = "".join(f'<li><a href="{prefix}news-{i}-x1y2z3">{esc(h)}</a><time datetime="2024-0{1 + i % 8}-1{i}T0{i}:30:00+05:00">'
                        f'1{i}.0{1 + i % 8}.2024</time></li>' for i, h in enumerate(pool))
        return f'<div class="read-also"><h3>{heading}</h3><ul>{items}</ul></div>'
    items = "".join(f'<div class="related-item"><a href="{prefix}2025-07-0{5 + i % 2}/item-{i}/">{esc(h)}</a>'
                    f'<p>{esc(h)} ...</p><span class="date">• 0{5 + i % 2}.07.2025</span></div>' for i, h in enumerate(pool))
    return f'<div class="related-posts">{items}</div>'


def page(doc: dict, lang: str, charset: str | None) -> str:
    outlet, style = doc["outlet"], doc["style"]
    prefix = EDITION_PREFIX[outlet]
    switch = "".join(f'<a href="{p}">{code.upper()}</a>' for code, p in prefix.items())
    dated = ""
    if style == "visible":
        dated = dateline(doc, lang)
    elif style == "time":
        dated = f'<time datetime="{doc["published"][:16]}">{doc["published"][8:10]}.{doc["published"][5:7]}.{doc["published"][:4]} {doc["published"][11:16]}</time>'
    other = ""
    if outlet != "kazinform" and doc.get("translations"):
        other = '<div class="other-lang-news">' + "".join(
            f'<a href="{esc(href)}">{esc(doc["title"])} ({code})</a>' for code, href in doc["translations"].items()) + "</div>"
    cookie = {"az": "Saytımız kukilərdən istifadə edir. Qəbul et", "ru": "Мы используем файлы cookie. Принять",
              "kk": "Біз cookie файлдарын қолданамыз. Қабылдау", "en": "We use cookies to improve your experience. Accept"}[lang]
    comments = ""
    if outlet == "kursiv":
        comments = ('<div class="comments"><div class="comment"><span class="comment-date">12.12.2024 08:15</span>'
                    '<p>Давно пора!</p></div></div>')
    return f"""<!DOCTYPE html>
<html lang="{'kk' if lang == 'kk' else lang}">
<head>
{head(doc, lang, charset)}
</head>
<body>
<div class="cookie-banner">{esc(cookie)}</div>
<header><nav class="main-menu"><a href="/">Home</a> <a href="/politics/">Politics</a></nav>
<div class="lang-switcher">{switch}</div>
<div class="trending-tags"><a href="/tag/1/">Global Baku Forum</a> <a href="/tag/2/">WUF13</a></div></header>
<main><div class="container">
<article class="news-detail">
<div class="category">{esc(doc.get('section') or '')}</div>
<h1>{esc(doc['title'])}</h1>
{dated}
<div class="article-text">
{paragraphs(doc['body'])}
</div>
{other}
</article>
{sidebar(doc, lang)}
{comments}
</div></main>
<footer><p>© 2026 {outlet.capitalize()}. All rights reserved.</p><p>Tel: +994 12 000 00 00</p></footer>
</body>
</html>
"""


def build() -> None:
    labels = {}
    (HERE / "pages").mkdir(exist_ok=True)
    (HERE / "texts").mkdir(exist_ok=True)
    for corpus in sorted(HERE.glob("corpus_*.yaml")):
        for doc in yaml.safe_load(corpus.read_text(encoding="utf-8")):
            lang = doc["id"][:2]
            lab = doc["labels"]
            entry = {
                "url": doc["url"], "outlet": doc["outlet"], "language": lang,
                "relevant": lab["relevant"], "stage": lab.get("stage"), "reading": lab.get("reading"),
                "jurisdictions": lab.get("jurisdictions", []),
                "penalties": [{"kind": p[0], "min": p[1], "max": p[2], "unit": p[3],
                               "equivalent": ({"min": p[4][0], "max": p[4][1], "unit": p[4][2]} if len(p) > 4 else None)}
                              for p in lab.get("penalties", [])],
                "instruments": [{"name": i[0], "article": i[1], "part": i[2]} for i in lab.get("instruments", [])],
            }
            if doc["style"] == "text":
                path = HERE / "texts" / f"{doc['id']}.txt"
                path.write_text(f"{doc['title']}\n\n{doc['body']}", encoding="utf-8")
                entry["file"] = f"texts/{doc['id']}.txt"
                entry["published_at"] = None
            else:
                encoding = doc.get("encoding", "utf-8")
                # one cp1251 page declares its charset, the other declares none (the detector decides)
                charset = "windows-1251" if encoding == "cp1251" and doc["id"] != "ru14" else (
                    None if encoding == "cp1251" else "utf-8")
                path = HERE / "pages" / f"{doc['id']}.html"
                path.write_bytes(page(doc, lang, charset).encode(encoding))
                entry["file"] = f"pages/{doc['id']}.html"
                entry["published_at"] = doc["published"]
                entry["translations"] = doc.get("translations") or {}
                entry["title"] = doc["title"]
                entry["must_not_contain"] = (SIDEBAR_DEEPFAKE[lang] + SIDEBAR_GENERAL[lang])[:3]
            entry["title"] = doc["title"]
            labels[doc["id"]] = entry
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                      encoding="utf-8")
    print(f"{len(labels)} documents")


if __name__ == "__main__":
    build()
