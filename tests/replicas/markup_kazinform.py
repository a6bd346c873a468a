"""Kazinform replica markup: www.inform.kz /ru/ and /en/ with URLs /ru/{slug}-{hex id} (some Russian
ones /ru/{slug} without an id); the Kazakh edition on its own host kaz.inform.kz, /news/{slug}-{hex id}/.

Noise as on the real pages: currency and weather ticker, a 'Лента новостей' column of bare times,
'Читайте также' items with their own dates, РУС/ҚАЗ/ENG switch, cookie banner, footer. The news
feed /ru/lenta paginates as /ru/lenta/{n} (kaz.inform.kz: /lenta); /ru/archive?date=DD.MM.YYYY lists one day.
"""
from __future__ import annotations

from html import escape

from build import (DAYS, HTML, RSS, TEXT, XML, Page, author_of, body_html, chunks, day_month_year, head, hex_id,
                   newest_first, rss, sitemap_index, translations, urlset)

SITES = {"kazinform": "https://www.inform.kz", "kazinform-kaz": "https://kaz.inform.kz"}
DEFAULT_SITE = "kazinform"
LANGS = {"kazinform": ("ru", "kk", "en")}
LANG_SITES = {("kazinform", "kk"): "kazinform-kaz"}
SITE_OF = {"ru": "kazinform", "kk": "kazinform-kaz", "en": "kazinform"}
ORIGIN = {lang: SITES[key] for lang, key in SITE_OF.items()}
UTC_OFFSET = "+05:00"
PREFIX = {"ru": "/ru", "kk": "", "en": "/en"}
PAGE_SIZE = 6
PUBLISHER = "Kazinform"
WORDS = {
    "ru": {"lenta": "Лента новостей", "also": "Читайте также", "next": "Следующая", "archive": "Архив новостей",
           "empty": "За выбранную дату новостей нет", "cookie": "Мы используем файлы cookie для улучшения работы сайта.",
           "ok": "Понятно", "weather": "Астана −3°C", "switch": ("РУС", "ҚАЗ", "ENG")},
    "kk": {"lenta": "Жаңалықтар таспасы", "also": "Тағы оқыңыз", "next": "Келесі", "archive": "Жаңалықтар мұрағаты",
           "empty": "Таңдалған күнге жаңалық жоқ", "cookie": "Сайт жұмысын жақсарту үшін cookie файлдарын қолданамыз.",
           "ok": "Түсінікті", "weather": "Астана −3°C", "switch": ("РУС", "ҚАЗ", "ENG")},
    "en": {"lenta": "News feed", "also": "Read also", "next": "Next", "archive": "News archive",
           "empty": "No news for the selected date", "cookie": "We use cookies to improve the website.",
           "ok": "OK", "weather": "Astana −3°C", "switch": ("РУС", "ҚАЗ", "ENG")},
}


class Context:
    def __init__(self, data: dict, pages: list[Page]) -> None:
        self.data, self.pages = data, pages

    def edition(self, lang: str, day: int) -> list[Page]:
        return newest_first([p for p in self.pages if p.lang == lang and p.on(day) and not p.flags.get("missing_link")])


def section(data: dict, story: dict, lang: str) -> tuple[str, str]:
    slug, name = data["sections"][story["section"]][lang]
    return slug, name


def article_path(data: dict, story: dict, lang: str, version: dict, published) -> str:
    story_id = version.get('id') or hex_id(story['key'], lang)
    if lang == "kk":
        return f"/news/{version['slug']}-{story_id}/"
    if version.get("no_id"):
        return f"{PREFIX[lang]}/{version['slug']}"
    return f"{PREFIX[lang]}/{version['slug']}-{story_id}"


def dateline(page: Page) -> str:
    return f"{day_month_year(page.published, page.lang, comma=False)}, {page.published:%H:%M}"


def _link(page: Page) -> str:
    """How listings link a page: the old URL for pre-redesign stories, tracking tags where shared."""
    if page.flags.get("old_path"):
        return "https://www.inform.kz" + page.flags["old_path"]
    if page.flags.get("tracking"):
        return page.url + "?utm_source=telegram&utm_medium=social&utm_campaign=kazinform"
    return page.url


def _top(lang: str) -> str:
    w = WORDS[lang]
    switch = " ".join(f'<a href="{ORIGIN[x]}{PREFIX[x]}/">{label}</a>'
                      for x, label in zip(PREFIX, w["switch"]))
    return f"""<div class="cookie-notice"><span>{w['cookie']}</span><button>{w['ok']}</button></div>
<header class="header">
  <div class="header__top"><span class="rates">USD 512.35 ▲ EUR 553.12 ▼ RUB 6.21</span> <span class="weather">{w['weather']}</span></div>
  <a class="logo" href="{ORIGIN[lang]}{PREFIX[lang]}/">Kazinform</a>
  <nav class="lang">{switch}</nav>
  <nav class="menu"><a href="{ORIGIN[lang]}{PREFIX[lang]}/lenta">{w['lenta']}</a></nav>
</header>"""


def _footer() -> str:
    return """<footer class="footer"><p>© 1997–2026 МИА «Казинформ». При использовании материалов гиперссылка на inform.kz обязательна.</p>
<p><a href="https://www.instagram.com/kazinform">Instagram</a> <a href="https://t.me/kazinform_news">Telegram</a></p></footer>"""


def render_article(page: Page, day: int, ctx: Context) -> str:
    w = WORDS[page.lang]
    lenta = [q for q in ctx.edition(page.lang, day) if q.key != page.key and q.published <= page.published][:8]
    lenta_html = "\n".join(f'<li><span class="lenta__time">{q.published:%H:%M}</span> <a href="{escape(q.url)}">{escape(q.title)}</a></li>'
                           for q in lenta)
    also = [q for q in ctx.edition(page.lang, day) if q.key != page.key and q.story.get("section") == page.story.get("section")
            and q.published <= page.published][:3]
    also_html = "\n".join(f'<div class="read-also__item"><a href="{escape(q.url)}">{escape(q.title)}</a>'
                          f'<span class="read-also__date">{q.published:%d.%m.%Y}</span></div>' for q in also)
    switch = " ".join(f'<a class="article__lang" href="{escape(q.url)}">{q.lang.upper()}</a>'
                      for q in translations(page, ctx.pages, day) if q.lang != page.lang)
    author = author_of(page)
    charset = "utf-8"  # the cp1251 page keeps this line: the lie real old pages tell
    return f"""<!DOCTYPE html>
<html lang="{page.lang}">
<head>
{head(page, day, ctx.pages, PUBLISHER, charset=charset)}
</head>
<body>
{_top(page.lang)}
<div class="layout">
<main class="article">
  <div class="article__breadcrumbs"><a href="{ORIGIN[page.lang]}{PREFIX[page.lang]}/">Kazinform</a> / {escape(page.section[1])}</div>
  <h1 class="article__title">{escape(page.title)}</h1>
  <div class="article__info"><span class="article__date">{dateline(page)}</span> <span class="article__views">1 248</span> {switch}</div>
  <div class="article__body-text">
{body_html(page, day)}
  </div>
  <div class="article__author">{escape(author)}</div>
  <section class="read-also"><h3>{w['also']}</h3>
{also_html}
  </section>
</main>
<aside class="lenta-sidebar"><h3>{w['lenta']}</h3>
<ul>
{lenta_html}
</ul></aside>
</div>
{_footer()}
</body>
</html>
"""


def _item(page_url: str, title: str, page: Page) -> str:
    return (f'<article class="anounce-news"><a class="anounce-news__link" href="{escape(page_url)}">{escape(title)}</a>'
            f'<span class="anounce-news__date">{dateline(page)}</span></article>')


def _listing(lang: str, title: str, items: list[Page], nav: str) -> str:
    rows = "\n".join(_item(_link(p), p.title, p) for p in items) or f'<p class="empty">{WORDS[lang]["empty"]}</p>'
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{escape(title)} | Kazinform</title></head>
<body>
{_top(lang)}
<main class="news-list">
<h1>{escape(title)}</h1>
<div class="news-list__col_main">
{rows}
</div>
<div class="pagination">{nav}</div>
</main>
{_footer()}
</body>
</html>
"""


def build_site_files(sites: dict, pages: list[Page], ctx: Context) -> None:
    listed = [p for p in pages if not p.flags.get("missing_link")]
    for lang, prefix in PREFIX.items():
        site, origin = sites[SITE_OF[lang]], ORIGIN[lang]
        w = WORDS[lang]
        lenta, feeds, archive = {}, {}, {}
        for day in DAYS:
            edition = newest_first([p for p in listed if p.lang == lang and p.on(day)])
            groups = chunks(edition, PAGE_SIZE)
            for number, group in enumerate(groups, start=1):
                nav = (f'<a class="pagination__next" href="{origin}{prefix}/lenta/{number + 1}">{w["next"]}</a>'
                       if number < len(groups) else "")
                path = f"{prefix}/lenta" + ("" if number == 1 else f"/{number}")
                lenta.setdefault(path, {})[day] = (_listing(lang, w["lenta"], group, nav), HTML)
            feeds[day] = (rss(f"Kazinform — {w['lenta']}", f"{origin}{prefix}/", lang, edition[:10], day), RSS)
            # kaz.inform.kz has no dated archive the registry knows
            for date in ([] if lang == "kk" else sorted({p.published.date() for p in edition})):
                items = [p for p in edition if p.published.date() == date]
                path = f"{prefix}/archive?date={date:%d.%m.%Y}"
                archive.setdefault(path, {})[day] = (_listing(lang, f"{w['archive']} {date:%d.%m.%Y}", items, ""), HTML)
        for path, content in {**lenta, **archive}.items():
            site.add(path, content)
        if lang != "kk":
            empty = _listing(lang, w["archive"], [], "")
            site.add(f"{prefix}/archive", {d: (empty, HTML) for d in DAYS}, any_query=True)
        site.add(f"{prefix}/rss/", feeds, **{f"day{d}": {"last_modified": _newest(listed, lang, d)} for d in DAYS})
    for key, origin in SITES.items():
        langs = [lang for lang in PREFIX if SITE_OF[lang] == key]
        index = {}
        children: dict[str, dict] = {}
        for day in DAYS:
            live = [p for p in listed if p.on(day)]
            entries = []
            for lang in langs:
                name = {"ru": "ru", "en": "en", "kk": "kz"}[lang]
                edition = newest_first([p for p in live if p.lang == lang])
                news_path = f"/sitemaps/google-news_{name}.xml"
                children.setdefault(news_path, {})[day] = (urlset(edition[:6], day, news=PUBLISHER), XML)
                entries.append((f"{origin}{news_path}", max(p.lastmod(day) for p in edition[:6])))
                for year in sorted({p.published.year for p in edition}):
                    group = [p for p in edition if p.published.year == year]
                    path = f"/sitemaps/sitemap-{name}-{year}.xml"
                    children.setdefault(path, {})[day] = (urlset(group, day), XML)
                    entries.append((f"{origin}{path}", max(p.lastmod(day) for p in group)))
            index[day] = (sitemap_index(entries), XML)
        for path, content in children.items():
            sites[key].add(path, content)
        sites[key].add("/sitemap.xml", index)
        robots = f"""User-agent: *
Disallow: /search
Disallow: /*/preview/
Disallow: /admin/
Sitemap: {origin}/sitemap.xml
"""
        sites[key].add("/robots.txt", {d: (robots, TEXT) for d in DAYS})


def _newest(pages: list[Page], lang: str, day: int) -> str:
    return max(p.lastmod(day) for p in pages if p.lang == lang and p.on(day)).isoformat()
