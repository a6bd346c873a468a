"""Generate the replica sites from each outlet's stories.toml:

    .venv/bin/python tests/replicas/build.py

Writes, per outlet, `files/` (pages, listings, feeds, sitemaps, robots.txt; day-2 variants as
`*.day2.*`), `routes.json` (URL -> file and behaviour, per publishing day) and `manifest.json`
(every article page with its facts: the ground truth the crawl tests compare against).
Pages name the real origins (https://report.az/...); the replica server rewrites them to its own.
Markup per outlet lives in markup_<outlet>.py beside this file.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTLETS = tuple(sorted(p.parent.name for p in HERE.glob("*/stories.toml")))   # every replica with stories
DAYS = (1, 2)


@dataclass
class Page:
    """One language version of a story."""
    story: dict
    lang: str
    site: str
    origin: str
    path: str
    title: str
    paragraphs: list[str]
    published: datetime
    modified: datetime | None
    day: int
    section: tuple[str, str]          # (slug, display name)
    dates: str                         # jsonld | meta | visible
    flags: dict = field(default_factory=dict)
    update: tuple[int, datetime, str] | None = None   # (day, modified, paragraph)

    @property
    def url(self) -> str:
        return self.origin + self.path

    @property
    def key(self) -> str:
        return self.story["key"]

    def on(self, day: int) -> bool:
        return self.day <= day

    def text(self, day: int) -> list[str]:
        if self.update and self.update[0] <= day:
            return self.paragraphs + [self.update[2]]
        return self.paragraphs

    def lastmod(self, day: int) -> datetime:
        if self.update and self.update[0] <= day:
            return self.update[1]
        return self.modified or self.published


def load_markup(outlet: str):
    spec = importlib.util.spec_from_file_location(f"markup_{outlet}", HERE / f"markup_{outlet}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]


def local(value: str, offset: str) -> datetime:
    sign = -1 if offset[0] == "-" else 1
    h, m = offset[1:].split(":")
    return datetime.fromisoformat(value).replace(tzinfo=timezone(sign * timedelta(hours=int(h), minutes=int(m))))


def hex_id(*parts: str) -> str:
    """Kazinform-like story id: 6 hex digits with at least one digit."""
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest()
    for start in range(0, 58):
        candidate = digest[start:start + 6]
        if any(c.isdigit() for c in candidate):
            return candidate
    return "0" + digest[:5]


def load_pages(outlet: str, markup) -> tuple[dict, list[Page]]:
    data = tomllib.loads((HERE / outlet / "stories.toml").read_text(encoding="utf-8"))
    offset = markup.UTC_OFFSET
    pages = []
    for index, story in enumerate(data["story"]):
        site = story.get("site", markup.DEFAULT_SITE)
        dates = story.get("dates", ("jsonld", "meta", "visible")[index % 3])
        published = local(story["published"], offset)
        modified = local(story["modified"], offset) if story.get("modified") else None
        for lang in markup.LANGS[site]:
            version = story.get(lang)
            if not version:
                continue
            # an edition on a host of its own (kaz.inform.kz) belongs to that site
            lang_site = getattr(markup, "LANG_SITES", {}).get((site, lang), site)
            section = markup.section(data, story, lang)
            path = markup.article_path(data, story, lang, version, published)
            update = None
            if "update" in story and lang in story["update"]:
                up = story["update"]
                update = (up["day"], local(up["modified"], offset), " ".join(up[lang].split()))
            flags = {k: story[k] for k in ("broken", "robots", "cp1251", "fail_once", "old_path", "tracking",
                                           "missing_link", "offsite_link", "amp") if k in story}
            flags.update(version.get("flags", {}))
            pages.append(Page(story, lang, lang_site, markup.SITES[lang_site], path, version["title"],
                              paragraphs(version["body"]), published, modified, story.get("day", 1),
                              section, dates, flags, update))
    return data, pages


class Site:
    """The files and routes of one site, for both publishing days."""

    def __init__(self, outlet: str, key: str, origin: str, out: Path) -> None:
        self.outlet, self.key, self.origin, self.out = outlet, key, origin, out
        self.routes: dict[int, dict[str, dict]] = {d: {} for d in DAYS}

    def add(self, url_path: str, day_contents: dict[int, tuple[str | bytes, str]], **behaviour) -> None:
        """Serve `url_path` on each day given: (content, content type). Identical days share a file."""
        previous = None
        for day in DAYS:
            if day not in day_contents:
                continue
            content, ctype = day_contents[day]
            data = content.encode("utf-8") if isinstance(content, str) else content
            if previous is not None and previous[1] == data:
                self.routes[day][url_path] = dict(self.routes[previous[0]][url_path])
                continue
            name = file_name(url_path, day if previous is not None else 1, ctype)
            target = self.out / self.key / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            route = {"file": f"{self.key}/{name}", "type": ctype, **behaviour.get(f"day{day}", {}),
                     **{k: v for k, v in behaviour.items() if not k.startswith("day")}}
            self.routes[day][url_path] = route
            previous = (day, data)

    def redirect(self, url_path: str, location: str, days=DAYS) -> None:
        for day in days:
            self.routes[day][url_path] = {"status": 301, "location": location}


def file_name(url_path: str, day: int, ctype: str) -> str:
    """/en/news-feed/?page=2 -> en/news-feed/index__page-2.html; /sitemap.xml -> sitemap.xml."""
    path, _, query = url_path.partition("?")
    ext = {"text/html": ".html", "application/rss+xml": ".xml", "application/xml": ".xml",
           "text/plain": ".txt"}[ctype.split(";")[0].strip()]
    stem = path.strip("/")
    last = stem.rsplit("/", 1)[-1]
    if not stem:
        stem = "index"
    elif path.endswith("/"):
        stem += "/index"
    elif "." in last:
        stem, ext = stem.rsplit(".", 1)[0], "." + last.rsplit(".", 1)[1]
    if query:
        stem += "__" + re.sub(r"[^A-Za-z0-9.-]+", "-", query)
    return stem + (f".day{day}" if day > 1 else "") + ext


HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


def rss(channel_title: str, link: str, lang: str, pages: list[Page], day: int) -> str:
    items = []
    for p in pages:
        items.append(f"""  <item>
    <title>{escape(p.title)}</title>
    <link>{escape(p.url)}</link>
    <guid isPermaLink="true">{escape(p.url)}</guid>
    <pubDate>{format_datetime(p.published)}</pubDate>
    <category>{escape(p.section[1])}</category>
    <description>{escape(p.text(day)[0][:200])}</description>
  </item>""")
    built = format_datetime(max((p.lastmod(day) for p in pages), default=datetime(2025, 1, 1, tzinfo=timezone.utc)))
    return (f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>{escape(channel_title)}</title>
  <link>{escape(link)}</link>
  <description>{escape(channel_title)}</description>
  <language>{lang}</language>
  <lastBuildDate>{built}</lastBuildDate>
""" + "\n".join(items) + "\n</channel>\n</rss>\n")


def urlset(pages: list[Page], day: int, news: str = "") -> str:
    """A sitemap urlset; with `news` (the publication name) a Google News sitemap."""
    rows = []
    for p in pages:
        extra = ""
        if news:
            extra = f"""
    <news:news>
      <news:publication><news:name>{escape(news)}</news:name><news:language>{p.lang}</news:language></news:publication>
      <news:publication_date>{p.published.isoformat()}</news:publication_date>
      <news:title>{escape(p.title)}</news:title>
    </news:news>"""
        rows.append(f"""  <url>
    <loc>{escape(p.url)}</loc>
    <lastmod>{p.lastmod(day).isoformat()}</lastmod>{extra}
  </url>""")
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>\n'
            + "\n".join(rows) + "\n</urlset>\n")


def sitemap_index(children: list[tuple[str, datetime]]) -> str:
    rows = [f"  <sitemap>\n    <loc>{escape(loc)}</loc>\n    <lastmod>{mod.isoformat()}</lastmod>\n  </sitemap>"
            for loc, mod in children]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(rows) + "\n</sitemapindex>\n")


def newest_first(pages: list[Page]) -> list[Page]:
    return sorted(pages, key=lambda p: (p.published, p.path), reverse=True)


def build(outlet: str) -> dict:
    markup = load_markup(outlet)
    data, pages = load_pages(outlet, markup)
    out = HERE / outlet / "files"
    shutil.rmtree(out, ignore_errors=True)
    sites = {key: Site(outlet, key, origin, out) for key, origin in markup.SITES.items()}
    ctx = markup.Context(data, pages)
    for page in pages:
        if page.flags.get("missing_link"):
            continue  # the link exists, the page does not: a 404
        content = {}
        for day in DAYS:
            if page.on(day):
                html = markup.render_article(page, day, ctx)
                if page.flags.get("broken"):
                    html = break_markup(html)
                content[day] = (html.encode("cp1251", errors="xmlcharrefreplace"), "text/html") if page.flags.get("cp1251") else (html, HTML)
        behaviour = {f"day{d}": {"last_modified": page.lastmod(d).isoformat()} for d in DAYS}
        if page.flags.get("fail_once"):
            behaviour["fail_once"] = {"status": 503, "retry_after": "1"}
        sites[page.site].add(page.path, content, **behaviour)
        if page.flags.get("old_path"):
            sites[page.site].redirect(page.flags["old_path"], page.url, days=[d for d in DAYS if page.on(d)])
    markup.build_site_files(sites, pages, ctx)
    manifest = [{
        "outlet": outlet, "site": p.site, "lang": p.lang, "key": p.key, "path": p.path, "real_url": p.url,
        "title": p.title, "published": p.published.isoformat(), "modified": {str(d): p.lastmod(d).isoformat() for d in DAYS},
        "day": p.day, "relevant": bool(p.story.get("relevant")), "dates": p.dates,
        "translations": sorted(q.lang for q in pages if q.key == p.key and not q.flags.get("missing_link")),
        "flags": p.flags, "updated_on_day": p.update[0] if p.update else None,
    } for p in pages]
    (HERE / outlet / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    routes = {key: {str(day): site.routes[day] for day in DAYS} for key, site in sites.items()}
    (HERE / outlet / "routes.json").write_text(json.dumps(routes, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                               encoding="utf-8")
    return {"pages": len(pages), "sites": {k: len(s.routes[2]) for k, s in sites.items()}}


def break_markup(html: str) -> str:
    """Real-world breakage: unclosed paragraphs and divs, a stray closing tag, no </body></html>."""
    html = html.replace("</p>", "", 3).replace("</div>\n</main>", "\n</main>", 1)
    html = html.replace("<main", "</span><main", 1)
    return html.replace("</body>", "").replace("</html>", "")


if __name__ == "__main__":
    for name in (sys.argv[1:] or OUTLETS):
        print(name, build(name))


# -- markup shared by the outlets' templates -------------------------------------------------
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
    "az": ["yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust", "sentyabr", "oktyabr",
           "noyabr", "dekabr"],
    "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
           "октября", "ноября", "декабря"],
    "kk": ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
           "қазан", "қараша", "желтоқсан"],
}


def day_month_year(moment: datetime, lang: str, comma: bool = True) -> str:
    return f"{moment.day} {MONTHS[lang][moment.month - 1]}{',' if comma else ''} {moment.year}"


def translations(page: Page, pages: list[Page], day: int) -> list[Page]:
    return [p for p in pages if p.key == page.key and p.on(day) and not p.flags.get("missing_link")]


def author_of(page: Page) -> str:
    author = page.story.get("author")
    return author.get(page.lang, "") if isinstance(author, dict) else (author or "")


def head(page: Page, day: int, pages: list[Page], publisher: str, charset: str = "utf-8",
         extra: str = "") -> str:
    """<head>: title, canonical, hreflang alternates, Open Graph, and the page's kind of date markup."""
    alternates = "\n".join(f'<link rel="alternate" hreflang="{q.lang}" href="{escape(q.url)}">'
                           for q in translations(page, pages, day))
    dates = ""
    modified = page.lastmod(day)
    if page.dates == "jsonld":
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": page.title,
                "inLanguage": page.lang, "datePublished": page.published.isoformat(),
                "dateModified": modified.isoformat(), "mainEntityOfPage": page.url,
                "author": {"@type": "Person", "name": author_of(page) or publisher},
                "publisher": {"@type": "Organization", "name": publisher},
                "articleSection": page.section[1]}
        dates = f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
    elif page.dates == "meta":
        dates = (f'<meta property="article:published_time" content="{page.published.isoformat()}">\n'
                 f'<meta property="article:modified_time" content="{modified.isoformat()}">\n'
                 f'<meta property="article:section" content="{escape(page.section[1])}">')
    return f"""<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(page.title)} | {escape(publisher)}</title>
<meta name="description" content="{escape(page.text(day)[0][:160])}">
<link rel="canonical" href="{escape(page.url)}">
{alternates}
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(page.title)}">
<meta property="og:url" content="{escape(page.url)}">
<meta property="og:site_name" content="{escape(publisher)}">
{dates}
{extra}"""


def body_html(page: Page, day: int) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in page.text(day))


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]
