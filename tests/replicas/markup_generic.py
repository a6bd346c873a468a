"""Replica markup for an outlet added by data alone: everything it serves is read from the outlet's
registry file (sites, editions, feeds, sitemaps, listings, listing and article selectors), so a new
outlet's replica needs only its stories.toml and a three-line markup_<name>.py naming its URL shape.

Pages carry the usual noise: a cookie banner, a 'latest' column with times, related stories with
their own dates and teaser text, a footer. Listings paginate with ?page=N.
"""
from __future__ import annotations

import re
import sys
from html import escape
from pathlib import Path

from build import DAYS, HTML, RSS, TEXT, XML, Page, body_html, chunks, head, newest_first, rss, urlset

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from lexwatch.outlets import outlets  # noqa: E402  (the registry the replica is built from)

PAGE_SIZE = 4


def _class(selector: str) -> str:
    """'.news-list .news-item' -> 'news-item'; 'h1.article-title' -> 'article-title'."""
    last = selector.split("::")[0].split()[-1]
    return last.split(".", 1)[1].replace(".", " ") if "." in last else ""


class Markup:
    def __init__(self, name: str, article_path):
        self.outlet = outlets()[name]
        self.article_path_of = article_path
        o = self.outlet
        self.SITES = {s.key: s.base_url for s in o.sites}
        self.DEFAULT_SITE = o.sites[0].key
        self.LANGS = {self.DEFAULT_SITE: o.languages}
        self.LANG_SITES = {(self.DEFAULT_SITE, e.lang): s.key for s in o.sites for e in s.editions}
        self.EDITION = {e.lang: (s, e) for s in o.sites for e in s.editions}
        self.UTC_OFFSET = o.utc_offset
        sel = o.selectors_on(__import__("datetime").date(2026, 1, 1))
        self.cls = {"title": _class(sel.title), "body": _class(sel.body), "date": _class(sel.date),
                    "teaser": _class(sel.teaser[0]), "item": _class(o.listing.item), "link": _class(o.listing.link),
                    "item_date": _class(o.listing.date), "next": _class(o.listing.next_page),
                    "list": _class(o.listing.item.split()[0]) if " " in o.listing.item else "news-list"}

    # -- what build.py asks --------------------------------------------------------------------
    def section(self, data: dict, story: dict, lang: str) -> tuple[str, str]:
        slug, name = data["sections"][story["section"]][lang]
        return slug, name

    def article_path(self, data, story, lang, version, published) -> str:
        return self.article_path_of(self.section(data, story, lang)[0], version, published, self.EDITION[lang][1].prefix)

    def Context(self, data, pages):
        self.pages = pages
        return self

    def edition(self, lang: str, day: int) -> list[Page]:
        return newest_first([p for p in self.pages if p.lang == lang and p.on(day)])

    def render_article(self, page: Page, day: int, ctx) -> str:
        c = self.cls
        others = [q for q in self.edition(page.lang, day) if q.key != page.key][:4]
        latest = "\n".join(f'<li><span>{q.published:%H:%M}</span> <a href="{escape(q.url)}">{escape(q.title)}</a></li>'
                           for q in others)
        related = "\n".join(f'<div class="{c["teaser"]}__item"><a href="{escape(q.url)}">{escape(q.title)}</a>'
                            f'<p>{escape(q.text(day)[0][:90])}</p><span>{q.published:%d.%m.%Y}</span></div>'
                            for q in others[:2])
        return f"""<!DOCTYPE html>
<html lang="{page.lang}">
<head>
{head(page, day, self.pages, self.outlet.title)}
</head>
<body>
<div class="cookie-consent">Cookies help us run this site. <button>OK</button></div>
<header><a href="{escape(page.origin)}/">{escape(self.outlet.title)}</a></header>
<main>
<article>
  <h1 class="{c['title']}">{escape(page.title)}</h1>
  <div class="{c['date']}">{page.published:%d.%m.%Y %H:%M}</div>
  <div class="{c['body']}">
{body_html(page, day)}
  </div>
</article>
<section class="{c['teaser']}">{related}</section>
</main>
<aside class="latest-news"><ul>{latest}</ul></aside>
<footer>© {escape(self.outlet.title)}</footer>
</body>
</html>
"""

    def _listing(self, lang: str, items: list[Page], next_url: str | None, day: int) -> str:
        c = self.cls
        rows = "\n".join(f'<div class="{c["item"]}"><a class="{c["link"]}" href="{escape(p.url)}">{escape(p.title)}</a>'
                         f'<span class="{c["item_date"]}">{p.published:%d.%m.%Y %H:%M}</span></div>' for p in items)
        nav = f'<a class="{c["next"]}" href="{escape(next_url)}">→</a>' if next_url else ""
        return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(self.outlet.title)}</title></head>
<body><main><div class="{c['list']}">
{rows}
</div><nav>{nav}</nav></main></body></html>
"""

    def build_site_files(self, sites: dict, pages: list[Page], ctx) -> None:
        for lang, (site, edition) in self.EDITION.items():
            out = sites[site.key]
            feeds, listings, maps = {}, {}, {}
            for day in DAYS:
                live = self.edition(lang, day)
                for path in edition.feeds:
                    feeds.setdefault(path, {})[day] = (rss(self.outlet.title, site.base_url + edition.prefix + "/",
                                                           lang, live[:10], day), RSS)
                for path in edition.sitemaps:
                    maps.setdefault(path, {})[day] = (urlset(live, day, news=self.outlet.title), XML)
                for first in edition.listings[:1]:
                    groups = chunks(live, PAGE_SIZE)
                    for number, group in enumerate(groups, start=1):
                        url = first if number == 1 else f"{first}?page={number}"
                        nxt = f"{site.base_url}{first}?page={number + 1}" if number < len(groups) else None
                        listings.setdefault(url, {})[day] = (self._listing(lang, group, nxt, day), HTML)
            for table in (feeds, listings, maps):
                for path, content in table.items():
                    out.add(path, content)
        for site in self.outlet.sites:
            robots = "User-agent: *\nDisallow: /search\n" + "".join(f"Sitemap: {site.base_url}{p}\n" for p in site.sitemaps)
            sites[site.key].add("/robots.txt", {d: (robots, TEXT) for d in DAYS})


def install(module_globals: dict, name: str, article_path) -> None:
    """Give a markup_<name>.py module what build.py reads."""
    markup = Markup(name, article_path)
    for attr in ("SITES", "DEFAULT_SITE", "LANGS", "LANG_SITES", "UTC_OFFSET"):
        module_globals[attr] = getattr(markup, attr)
    module_globals.update(section=markup.section, article_path=markup.article_path, Context=markup.Context,
                          render_article=markup.render_article, build_site_files=markup.build_site_files)
