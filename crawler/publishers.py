"""The outlets lexwatch crawls, as data: sites, editions, feeds, sitemaps, listings, URL shapes.

A spider reads its publisher here; nothing outlet-specific lives in spider code. Each site has a
`key` (the outlet name for its main site) that `LEXWATCH_BASE_URLS` maps to a base URL, so the
same entry crawls the real site or its replica on 127.0.0.1.

What is known vs assumed is recorded per publisher in `notes` and in the spiders' docstrings.
Listing selectors mirror the replicas; check them against the live sites in a scheduled live
check (never in the test suite) before a production run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Edition:
    lang: str                      # ISO 639-1 language of the section ("kk" for Kazakh)
    prefix: str                    # first path segment(s) of the section, "" for the root
    feeds: tuple[str, ...] = ()    # RSS/Atom paths
    sitemaps: tuple[str, ...] = ()  # sitemap index or urlset paths
    listings: tuple[str, ...] = ()  # first pages of paginated listings
    archive: str | None = None     # dated archive path, `{date}` formatted with `archive_date_format`


@dataclass(frozen=True)
class Site:
    key: str                       # LEXWATCH_BASE_URLS key
    base_url: str                  # real origin
    editions: tuple[Edition, ...]
    sitemaps: tuple[str, ...] = ()  # site-wide sitemap indexes (all editions)
    aliases: tuple[str, ...] = ()  # other real origins serving the same pages

    def edition_of(self, path: str) -> Edition | None:
        """The edition whose prefix starts `path`; the root edition when none does."""
        best = None
        for edition in self.editions:
            p = edition.prefix
            if p and (path == p or path.startswith(p + "/")):
                if best is None or len(p) > len(best.prefix):
                    best = edition
        if best is None:
            best = next((e for e in self.editions if not e.prefix), None)
        return best


@dataclass(frozen=True)
class Listing:
    """CSS selectors of a listing page (news feed, category, dated archive)."""
    item: str
    link: str
    date: str                      # text of the date (and time) of an item, joined by spaces
    next_page: str


@dataclass(frozen=True)
class Publisher:
    name: str
    title: str
    utc_offset: str                # local time of the newsroom (no DST in AZ since 2016, KZ/UZ +05:00)
    sites: tuple[Site, ...]
    article_path: str              # regex on the URL path (no query) of an article page
    listing: Listing
    archive_date_format: str = "%d.%m.%Y"
    path_date: str | None = None   # regex with groups y, m, d when article paths carry the publication day
    notes: str = ""
    article_re: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "article_re", re.compile(self.article_path))

    def is_article_path(self, path: str) -> bool:
        return bool(self.article_re.match(path))

    def day_in_path(self, path: str) -> tuple[int, int, int] | None:
        m = re.search(self.path_date, path) if self.path_date else None
        return (int(m["y"]), int(m["m"]), int(m["d"])) if m else None

    def site(self, key: str) -> Site:
        return next(s for s in self.sites if s.key == key)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.lang for s in self.sites for e in s.editions))


REPORT = Publisher(
    name="report",
    title="Report News Agency (report.az)",
    utc_offset="+04:00",
    sites=(Site("report", "https://report.az", (
        Edition("az", "", feeds=("/rss/",), listings=("/xeber-lenti/",)),
        Edition("ru", "/ru", feeds=("/ru/rss/",), listings=("/ru/lenta-novostey/",)),
        Edition("en", "/en", feeds=("/en/rss/",), listings=("/en/news-feed/",)),
    ), sitemaps=("/sitemap.xml",)),),
    # /{category}/{slug}, the slug has at least one hyphen; tags/search/rss are not articles.
    article_path=r"^/(?:(?:ru|en)/)?(?!(?:ru|en|tags|search|rss|sitemap)/)[a-z0-9-]+/[a-z0-9]+(?:-[a-z0-9]+)+/?$",
    listing=Listing(item=".news-feed .news-item", link="a.news-item__title::attr(href)",
                    date=".news-item__date", next_page="a.pagination__next::attr(href)"),
    notes="Known: editions az (root), /ru/, /en/; RSS /rss/, /ru/rss/, /en/rss/ (cited by several "
          "public feed lists); article URLs /{category}/{slug} without id; dates '12 March, 2026' "
          "with the time apart. Assumed: sitemap index /sitemap.xml, news-feed listing paths and "
          "?page=N pagination, listing markup.",
)

KAZINFORM = Publisher(
    name="kazinform",
    title="Kazinform International News Agency (inform.kz)",
    utc_offset="+05:00",
    sites=(Site("kazinform", "https://www.inform.kz", (
        Edition("ru", "/ru", feeds=("/ru/rss/",), listings=("/ru/lenta",), archive="/ru/archive?date={date}"),
        Edition("kk", "/kz", feeds=("/kz/rss/",), listings=("/kz/lenta",), archive="/kz/archive?date={date}"),
        Edition("en", "/en", feeds=("/en/rss/",), listings=("/en/lenta",), archive="/en/archive?date={date}"),
    ), sitemaps=("/sitemap.xml",), aliases=("https://inform.kz",)),),
    # /ru/{slug}-{hex id with a digit} (current) or /ru/{slug}_a{digits} (before the 2023 redesign)
    article_path=r"^/(?:ru|kz|en)/[a-z0-9-]+(?:-(?=[0-9a-f]*\d)[0-9a-f]{6,8}|_a\d+)/?$",
    listing=Listing(item="article.anounce-news", link="a.anounce-news__link::attr(href)",
                    date=".anounce-news__date", next_page="a.pagination__next::attr(href)"),
    notes="Known: /ru/ /kz/ /en/ editions; article URLs /ru/{slug}-{hex} and older /ru/{slug}_a{n}; "
          "news feed /ru/lenta paginated /ru/lenta/{n}; dated archive /ru/archive?date=DD.MM.YYYY; "
          "RSS /ru/rss/; listing items article.anounce-news a.anounce-news__link (public scrapers). "
          "Assumed: /sitemap.xml index with google-news children per edition, /kz/ and /en/ feeds.",
)

KURSIV = Publisher(
    name="kursiv",
    title="Kursiv Media (kursiv.media)",
    utc_offset="+05:00",
    sites=(
        Site("kursiv", "https://kz.kursiv.media", (
            Edition("ru", "", feeds=("/feed/",), sitemaps=("/sitemaps/ru/sitemap.xml",),
                    listings=("/category/finance/", "/category/society/")),
            Edition("kk", "/kk", feeds=("/kk/feed/",), sitemaps=("/sitemaps/kk/sitemap.xml",),
                    listings=("/kk/category/society/",)),
            Edition("en", "/en", feeds=("/en/feed/",), sitemaps=("/sitemaps/en/sitemap.xml",),
                    listings=("/en/category/finance/",)),
        )),
        Site("kursiv-uz", "https://uz.kursiv.media", (
            Edition("ru", "", feeds=("/feed/",), sitemaps=("/sitemaps/ru/sitemap.xml",),
                    listings=("/category/finance/",)),
            Edition("en", "/en", feeds=("/en/feed/",), sitemaps=("/sitemaps/en/sitemap.xml",)),
        )),
    ),
    article_path=r"^/(?:(?:en|kk|uz)/)?20\d\d-\d\d-\d\d/[a-z0-9-]+/?$",
    listing=Listing(item="article.post-card", link="a.post-card__link::attr(href)",
                    date=".post-card__date", next_page="a.next.page-numbers::attr(href)"),
    archive_date_format="%Y-%m-%d",
    path_date=r"/(?P<y>20\d\d)-(?P<m>\d\d)-(?P<d>\d\d)/",
    notes="Known: WordPress; country editions kz.kursiv.media and uz.kursiv.media; article URLs "
          "/{YYYY-MM-DD}/{slug}/ (en under /en/, e.g. uz.kursiv.media/en/2026-08-30/...); feeds "
          "/feed/; per-language sitemap indexes /sitemaps/{ru,kk,en}/sitemap.xml with Kazakh under "
          "/kk/ (a public corpus crawler). Assumed: category slugs, WordPress /page/{n}/ pagination "
          "markup (a.next.page-numbers), Uzbek edition not crawled (not a monitored language).",
)

PUBLISHERS: dict[str, Publisher] = {p.name: p for p in (REPORT, KAZINFORM, KURSIV)}

LANG_ALIASES = {"kz": "kk", "kaz": "kk", "aze": "az", "rus": "ru", "eng": "en"}


def normalize_langs(value: str | list[str] | tuple[str, ...] | None) -> list[str] | None:
    """'az, ru,kz' -> ['az', 'ru', 'kk']; None or empty means every edition."""
    if not value:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    langs = [LANG_ALIASES.get(x.strip().lower(), x.strip().lower()) for x in items if x.strip()]
    return list(dict.fromkeys(langs)) or None


def default_base_urls() -> dict[str, str]:
    return {s.key: s.base_url for p in PUBLISHERS.values() for s in p.sites}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
