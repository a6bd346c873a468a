"""Report (report.az) replica markup: az root, /ru/, /en/; article URLs /{category}/{slug}.

Noise as on the real pages: a headline ticker, a 'Latest News' column of bare times, the
other-language versions of the story as title links, tags, a cookie banner, the footer.
"""
from __future__ import annotations

from html import escape

from build import (HTML, RSS, TEXT, XML, Page, body_html, chunks, day_month_year, head, newest_first,
                   rss, sitemap_index, translations, urlset)

SITES = {"report": "https://report.az"}
DEFAULT_SITE = "report"
LANGS = {"report": ("az", "ru", "en")}
UTC_OFFSET = "+04:00"
PREFIX = {"az": "", "ru": "/ru", "en": "/en"}
FEED_PATH = {"az": "/xeber-lenti/", "ru": "/ru/lenta-novostey/", "en": "/en/news-feed/"}
PAGE_SIZE = 6
PUBLISHER = "Report News Agency"
# A partner link to another outlet: off-site for this spider, whatever its path looks like.
# Its path looks like a Report article, so only the site boundary keeps the spider off it.
OFFSITE = {"en": ("https://kz.kursiv.media/en/2025-11-18/ai-law-signed-what-changes-for-business/",
                  "Partner news: AI law signed in Kazakhstan, what changes for business", "2025-11-18T09:00:00+04:00")}
WORDS = {
    "az": {"latest": "Son xəbərlər", "all": "Bütün xəbərlər lenti", "tags": "Teqlər", "next": "Növbəti",
           "ticker": "İlham Əliyev WUF13 ABŞ və İsrailin İrana qarşı əməliyyatı Qlobal Bakı Forumu",
           "cookie": "Saytımız kukilərdən istifadə edir. Davam etməklə siz buna razılıq verirsiniz.",
           "ok": "Razıyam", "home": "Ana səhifə", "feed": "Xəbər lenti"},
    "ru": {"latest": "Последние новости", "all": "Вся лента новостей", "tags": "Теги", "next": "Следующая",
           "ticker": "Ильхам Алиев WUF13 Операция США и Израиля против Ирана Глобальный Бакинский форум",
           "cookie": "Сайт использует файлы cookie. Продолжая просмотр, вы соглашаетесь с этим.",
           "ok": "Принять", "home": "Главная", "feed": "Лента новостей"},
    "en": {"latest": "Latest News", "all": "All News Feed", "tags": "Tags", "next": "Next",
           "ticker": "Ilham Aliyev WUF13 US and Israel Operation Against Iran Global Baku Forum",
           "cookie": "This website uses cookies. By continuing to browse you agree to our use of cookies.",
           "ok": "Accept", "home": "Home", "feed": "News feed"},
}


class Context:
    def __init__(self, data: dict, pages: list[Page]) -> None:
        self.data, self.pages = data, pages

    def edition(self, lang: str, day: int) -> list[Page]:
        return newest_first([p for p in self.pages if p.lang == lang and p.on(day)])


def section(data: dict, story: dict, lang: str) -> tuple[str, str]:
    slug, name = data["sections"][story["section"]][lang]
    return slug, name


def article_path(data: dict, story: dict, lang: str, version: dict, published) -> str:
    return f"{PREFIX[lang]}/{section(data, story, lang)[0]}/{version['slug']}"


def _date_block(page: Page) -> str:
    return (f'<div class="news-date"><span class="news-date__day">{day_month_year(page.published, page.lang)}</span>'
            f'<span class="news-date__time">{page.published:%H:%M}</span></div>')


def _chrome_top(lang: str) -> str:
    w = WORDS[lang]
    switch = " ".join(f'<a href="https://report.az{PREFIX[x]}/" hreflang="{x}">{x.upper()}</a>' for x in PREFIX)
    return f"""<div class="cookie-banner" role="dialog"><p>{w['cookie']}</p><button>{w['ok']}</button></div>
<header class="header">
  <a class="logo" href="https://report.az{PREFIX[lang]}/">Report</a>
  <nav class="lang-switch">{switch}</nav>
  <nav class="menu"><a href="https://report.az{PREFIX[lang]}/">{w['home']}</a> <a href="https://report.az{FEED_PATH[lang]}">{w['feed']}</a></nav>
  <div class="ticker">{w['ticker']}</div>
</header>"""


def _footer(lang: str) -> str:
    return f"""<footer class="footer">
  <p>© 2014–2026 Report İnformasiya Agentliyi. Report.az</p>
  <p><a href="https://www.facebook.com/report.az">Facebook</a> <a href="https://t.me/reportaz">Telegram</a>
     <a href="https://report.az{PREFIX[lang]}/rss/">RSS</a></p>
</footer>"""


def render_article(page: Page, day: int, ctx: Context) -> str:
    w = WORDS[page.lang]
    others = [q for q in translations(page, ctx.pages, day) if q.lang != page.lang]
    versions = "\n".join(f'<li><a href="{escape(q.url)}" hreflang="{q.lang}">{escape(q.title)}</a></li>' for q in others)
    # the column as it stood when the story went out (keeps older pages unchanged on day 2)
    latest = [q for q in ctx.edition(page.lang, day) if q.key != page.key and q.published <= page.published][:9]
    latest_html = "\n".join(
        f'<li class="latest__item"><span class="latest__time">{q.published:%H:%M}</span>'
        f'<a href="{escape(q.url)}">{escape(q.title)}</a><span class="latest__cat">{escape(q.section[1])}</span></li>'
        for q in latest)
    tags = " ".join(f'<a href="https://report.az{PREFIX[page.lang]}/tags/{escape(t.lower().replace(" ", "-"))}/">{escape(t)}</a>'
                    for t in page.story.get("tags", {}).get(page.lang, []))
    return f"""<!DOCTYPE html>
<html lang="{page.lang}">
<head>
{head(page, day, ctx.pages, PUBLISHER)}
</head>
<body>
{_chrome_top(page.lang)}
<main class="main">
<article class="news-detail">
  <div class="news-detail__category"><a href="https://report.az{PREFIX[page.lang]}/{page.section[0]}/">{escape(page.section[1])}</a></div>
  <h1 class="news-detail__title">{escape(page.title)}</h1>
  {_date_block(page)}
  <div class="news-detail__text">
{body_html(page, day)}
  </div>
  <div class="news-detail__tags">{w['tags']}: {tags}</div>
  <ul class="news-detail__versions">
{versions}
  </ul>
  <div class="share"><a href="https://www.facebook.com/sharer/sharer.php?u={escape(page.url)}">Facebook</a>
  <a href="https://twitter.com/intent/tweet?url={escape(page.url)}">X</a></div>
</article>
<aside class="latest">
  <h2>{w['latest']}</h2>
  <ul>
{latest_html}
  </ul>
  <a href="https://report.az{FEED_PATH[page.lang]}">{w['all']}</a>
</aside>
</main>
{_footer(page.lang)}
</body>
</html>
"""


def _listing_item(url: str, title: str, published, lang: str) -> str:
    return (f'<div class="news-item"><a class="news-item__title" href="{escape(url)}">{escape(title)}</a>'
            f'<div class="news-item__date"><span>{day_month_year(published, lang)}</span> '
            f'<span>{published:%H:%M}</span></div></div>')


def render_listing(lang: str, items: list[Page], page_no: int, pages_total: int, extra: str) -> str:
    w = WORDS[lang]
    base = f"https://report.az{FEED_PATH[lang]}"
    rows = "\n".join(_listing_item(p.url, p.title, p.published, lang) for p in items)
    nav = f'<a class="pagination__next" href="{base}?page={page_no + 1}">{w["next"]}</a>' if page_no < pages_total else ""
    prev = f'<a class="pagination__prev" href="{base}{"" if page_no == 2 else f"?page={page_no - 1}"}">«</a>' if page_no > 1 else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{w['feed']} | Report.az</title>
<link rel="alternate" type="application/rss+xml" href="https://report.az{PREFIX[lang]}/rss/"></head>
<body>
{_chrome_top(lang)}
<main class="main">
<h1>{w['feed']}</h1>
<div class="news-feed">
{extra}
{rows}
</div>
<div class="pagination">{prev} <span class="pagination__current">{page_no}</span> {nav}</div>
</main>
{_footer(lang)}
</body>
</html>
"""


def build_site_files(sites: dict, pages: list[Page], ctx: Context) -> None:
    from datetime import datetime
    site = sites["report"]
    listed = lambda p, day: p.on(day) and not p.flags.get("robots")  # noqa: E731 - sponsored posts stay off feeds
    for lang in PREFIX:
        listing_pages, feeds = {}, {}
        for day in (1, 2):
            edition = [p for p in newest_first(pages) if p.lang == lang and listed(p, day)]
            groups = chunks(edition, PAGE_SIZE)
            for number, group in enumerate(groups, start=1):
                extra = ""
                if number == 1:
                    extra = "\n".join(_listing_item(p.url, p.title, p.published, lang) for p in pages
                                      if p.lang == lang and p.flags.get("robots") and p.on(day))
                    if lang in OFFSITE:
                        url, title, when = OFFSITE[lang]
                        extra += "\n" + _listing_item(url, title, datetime.fromisoformat(when), lang)
                path = FEED_PATH[lang] + ("" if number == 1 else f"?page={number}")
                listing_pages.setdefault(path, {})[day] = (render_listing(lang, group, number, len(groups), extra), HTML)
            feed_items = [p for p in edition][:10]
            feeds[day] = (rss(f"Report.az — {WORDS[lang]['feed']}", f"https://report.az{PREFIX[lang]}/", lang,
                              feed_items, day), RSS)
        for path, content in listing_pages.items():
            site.add(path, content)
        site.add(f"{PREFIX[lang]}/rss/", feeds, **{f"day{d}": {"last_modified": _newest(pages, lang, d)} for d in (1, 2)})
    # sitemaps: an index of a news sitemap and monthly sitemaps per edition
    index = {}
    children: dict[str, dict[int, tuple[str, str]]] = {}
    for day in (1, 2):
        live = [p for p in pages if p.on(day) and not p.flags.get("missing_link")]
        entries = []
        for lang in PREFIX:
            months = sorted({(p.published.year, p.published.month) for p in live if p.lang == lang})
            for year, month in months:
                group = newest_first([p for p in live if p.lang == lang and (p.published.year, p.published.month) == (year, month)])
                path = f"/sitemap/{lang}/{year}-{month:02d}.xml"
                children.setdefault(path, {})[day] = (urlset(group, day), XML)
                entries.append((f"https://report.az{path}", max(p.lastmod(day) for p in group)))
        recent = newest_first(live)[:8]
        children.setdefault("/sitemap/news.xml", {})[day] = (urlset(recent, day, news=PUBLISHER), XML)
        entries.insert(0, ("https://report.az/sitemap/news.xml", max(p.lastmod(day) for p in recent)))
        index[day] = (sitemap_index(entries), XML)
    for path, content in children.items():
        site.add(path, content)
    site.add("/sitemap.xml", index)
    robots = """User-agent: *
Disallow: /en/sponsored/
Disallow: /search/
Disallow: /*?print=
Sitemap: https://report.az/sitemap.xml
"""
    site.add("/robots.txt", {1: (robots, TEXT), 2: (robots, TEXT)})


def _newest(pages: list[Page], lang: str, day: int) -> str:
    return max(p.lastmod(day) for p in pages if p.lang == lang and p.on(day)).isoformat()
