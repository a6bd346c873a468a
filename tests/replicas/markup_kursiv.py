"""Kursiv (WordPress) replica markup: kz.kursiv.media (ru root, /kk/, /en/) and uz.kursiv.media
(ru root, /en/); article URLs /{YYYY-MM-DD}/{slug}/.

Noise as on the real pages: the 'post' label, currency bar, country and language switches,
related posts with excerpts and their own dates (06.07.2025), cookie notice, footer.
"""
from __future__ import annotations

from html import escape

from build import (DAYS, HTML, RSS, TEXT, XML, Page, author_of, body_html, chunks, head, newest_first,
                   rss, sitemap_index, translations, urlset)

SITES = {"kursiv": "https://kz.kursiv.media", "kursiv-uz": "https://uz.kursiv.media"}
DEFAULT_SITE = "kursiv"
LANGS = {"kursiv": ("ru", "kk", "en"), "kursiv-uz": ("ru", "en")}
UTC_OFFSET = "+05:00"
PREFIX = {"ru": "", "kk": "/kk", "en": "/en"}
PAGE_SIZE = 5
PUBLISHER = "Kursiv Media"
# (site, lang) -> {story category or "*": listing path}
LISTINGS = {
    ("kursiv", "ru"): {"finance": "/category/finance/", "society": "/category/society/"},
    ("kursiv", "kk"): {"*": "/kk/category/society/"},
    ("kursiv", "en"): {"*": "/en/category/finance/"},
    ("kursiv-uz", "ru"): {"*": "/category/finance/"},
}
WORDS = {
    "ru": {"related": "Читайте также", "cookie": "Мы используем cookie-файлы. Продолжая пользоваться сайтом, вы соглашаетесь с этим.",
           "ok": "Хорошо", "older": "Следующая страница"},
    "kk": {"related": "Тағы оқыңыз", "cookie": "Біз cookie файлдарын қолданамыз.", "ok": "Жақсы",
           "older": "Келесі бет"},
    "en": {"related": "Read also", "cookie": "We use cookies. By continuing to use the site you agree to this.",
           "ok": "OK", "older": "Next page"},
}


class Context:
    def __init__(self, data: dict, pages: list[Page]) -> None:
        self.data, self.pages = data, pages

    def edition(self, site: str, lang: str, day: int) -> list[Page]:
        return newest_first([p for p in self.pages if p.site == site and p.lang == lang and p.on(day)])


def section(data: dict, story: dict, lang: str) -> tuple[str, str]:
    slug, name = data["sections"][story["section"]][lang]
    return slug, name


def article_path(data: dict, story: dict, lang: str, version: dict, published) -> str:
    return f"{PREFIX[lang]}/{published:%Y-%m-%d}/{version['slug']}/"


def _origin(site: str) -> str:
    return SITES[site]


def _top(site: str, lang: str) -> str:
    w = WORDS[lang]
    langs = " | ".join(f'<a href="{_origin(site)}{PREFIX[x]}/">{x.upper() if x != "kk" else "KZ"}</a>' for x in LANGS[site])
    return f"""<div id="cookie-notice" class="cookie-notice"><span>{w['cookie']}</span><a class="button">{w['ok']}</a></div>
<header class="site-header">
  <div class="currency-bar">USD 508.12 · EUR 551.70 · RUB 6.18 · Brent 71.4</div>
  <div class="editions"><a href="https://kz.kursiv.media/">Казахстан</a> <a href="https://uz.kursiv.media/">Узбекистан</a></div>
  <nav class="languages">{langs}</nav>
  <a class="site-logo" href="{_origin(site)}{PREFIX[lang]}/">Курсив</a>
</header>"""


def _footer(site: str) -> str:
    return f"""<footer class="site-footer"><p>© 2026 Kursiv Media. Все права защищены.</p>
<p><a href="{_origin(site)}/feed/">RSS</a> <a href="https://www.instagram.com/kursiv.media/">Instagram</a> <a href="https://t.me/kursivmedia">Telegram</a></p></footer>"""


def render_article(page: Page, day: int, ctx: Context) -> str:
    w = WORDS[page.lang]
    # stories from ten days around this one, newer ones included, as the real related block shows
    related = [q for q in ctx.edition(page.site, page.lang, day) if q.key != page.key
               and abs((q.published - page.published).days) <= 10][:4]
    related_html = "\n".join(
        f'<div class="related-post"><a href="{escape(q.url)}">{escape(q.title)}</a>'
        f'<p>{escape(q.text(day)[0][:100])} ...</p><span class="related-post__date">{q.published:%d.%m.%Y}</span></div>'
        for q in related)
    alternates = " ".join(f'<a class="post__lang" href="{escape(q.url)}">{q.lang.upper()}</a>'
                          for q in translations(page, ctx.pages, day) if q.lang != page.lang)
    return f"""<!DOCTYPE html>
<html lang="{page.lang}-{'KZ' if page.site == 'kursiv' else 'UZ'}">
<head>
{head(page, day, ctx.pages, PUBLISHER, extra='<meta name="generator" content="WordPress 6.5.3">')}
</head>
<body class="post-template-default single single-post">
{_top(page.site, page.lang)}
<main id="main" class="site-main">
<article class="post type-post status-publish">
  <span class="post__label">post</span>
  <div class="post__category">{escape(page.section[1])}</div>
  <h1 class="post__title entry-title">{escape(page.title)}</h1>
  <div class="post__meta"><span class="post__author">{escape(author_of(page))}</span>
    <span class="post__date">{page.published:%d.%m.%Y, %H:%M}</span> {alternates}</div>
  <div class="post__content entry-content">
{body_html(page, day)}
  </div>
</article>
<section class="related-posts"><h3>{w['related']}</h3>
{related_html}
</section>
</main>
{_footer(page.site)}
</body>
</html>
"""


def _card(page: Page, day: int) -> str:
    # a story flagged `amp` is linked by its AMP variant, .../{YYYY-MM-DD}/{slug}/amp, as shared links often are
    href = page.url + "amp" if page.flags.get("amp") else page.url
    return (f'<article class="post-card"><a class="post-card__link" href="{escape(href)}">{escape(page.title)}</a>'
            f'<p class="post-card__excerpt">{escape(page.text(day)[0][:120])} ...</p>'
            f'<span class="post-card__date">{page.published:%d.%m.%Y}</span></article>')


def _listing(site: str, lang: str, title: str, items: list[Page], day: int, next_url: str | None) -> str:
    nav = f'<a class="next page-numbers" href="{escape(next_url)}">{WORDS[lang]["older"]}</a>' if next_url else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="UTF-8"><title>{escape(title)} | Курсив</title>
<link rel="alternate" type="application/rss+xml" href="{_origin(site)}{PREFIX[lang]}/feed/"></head>
<body class="archive category">
{_top(site, lang)}
<main id="main" class="site-main">
<h1 class="page-title">{escape(title)}</h1>
<div class="posts-grid">
{chr(10).join(_card(p, day) for p in items)}
</div>
<nav class="navigation pagination">{nav}</nav>
</main>
{_footer(site)}
</body>
</html>
"""


def build_site_files(sites: dict, pages: list[Page], ctx: Context) -> None:
    for page in pages:   # the AMP variant of a story: the same article, canonical link to the story
        if page.flags.get("amp"):
            sites[page.site].add(page.path + "amp", {d: (render_article(page, d, ctx), HTML) for d in DAYS if page.on(d)})
    for key, site in sites.items():
        origin = _origin(key)
        index_by_lang: dict[str, dict] = {}
        for lang in LANGS[key]:
            feeds, listings, children, index = {}, {}, {}, {}
            for day in DAYS:
                edition = ctx.edition(key, lang, day)
                feeds[day] = (rss(f"Курсив — {lang}", f"{origin}{PREFIX[lang]}/", lang, edition[:10], day), RSS)
                for category, base in LISTINGS.get((key, lang), {}).items():
                    members = [p for p in edition if category == "*" or p.story.get("category") == category]
                    groups = chunks(members, PAGE_SIZE)
                    for number, group in enumerate(groups, start=1):
                        path = base + ("" if number == 1 else f"page/{number}/")
                        nxt = f"{origin}{base}page/{number + 1}/" if number < len(groups) else None
                        title = group[0].section[1] if group else base
                        listings.setdefault(path, {})[day] = (_listing(key, lang, title, group, day, nxt), HTML)
                entries = []
                for year, month in sorted({(p.published.year, p.published.month) for p in edition}):
                    group = [p for p in edition if (p.published.year, p.published.month) == (year, month)]
                    path = f"/sitemaps/{lang}/post-{year}-{month:02d}.xml"
                    children.setdefault(path, {})[day] = (urlset(group, day), XML)
                    entries.append((origin + path, max(p.lastmod(day) for p in group)))
                news_path = f"/sitemaps/{lang}/news.xml"
                children.setdefault(news_path, {})[day] = (urlset(edition[:5], day, news=PUBLISHER), XML)
                entries.insert(0, (origin + news_path, max(p.lastmod(day) for p in edition[:5])))
                index[day] = (sitemap_index(entries), XML)
            site.add(f"{PREFIX[lang]}/feed/", feeds,
                     **{f"day{d}": {"last_modified": max(p.lastmod(d) for p in ctx.edition(key, lang, d)).isoformat()} for d in DAYS})
            for path, content in {**listings, **children}.items():
                site.add(path, content)
            site.add(f"/sitemaps/{lang}/sitemap.xml", index)
            index_by_lang[lang] = index
        robots = f"""User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php
Disallow: /?s=
Disallow: /*?preview=true
Sitemap: {origin}/sitemaps/ru/sitemap.xml
"""
        site.add("/robots.txt", {d: (robots, TEXT) for d in DAYS})
