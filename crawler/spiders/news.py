"""NewsSpider: discovery of article pages through sitemaps, feeds, listings and dated archives.

Thin by design: callbacks find links and yield requests or the fetched page. What to skip (date
window, already stored, duplicates, off-site) is decided by crawler.middlewares.frontier; what an
article says, by the item pipelines. Outlet specifics are data in the registry (lexwatch/outlets/*.toml, read through crawler.publishers).

Arguments (`-a`): lang=az,ru,en (editions; default all), since/until=YYYY-MM-DD (inclusive, local
publication day), sources=sitemaps,feeds,listings,archive (default all).

Incremental discovery (with a crawl state, i.e. a store): a sitemap index is read every run, but a
child whose announced lastmod has not moved since it was last read is not asked for at all, and a
changed news sitemap is skipped when changed regular children of the same index are read (they list
its entries too). An edition whose sitemaps a finished run has read is re-crawled from its sitemaps
alone: its feeds and listings add requests, not articles. They come back for this run when the
sitemap index that covers the edition fails. So a day with N new articles costs about N requests
plus robots.txt, the indexes and the children that changed.
Settings: LEXWATCH_BASE_URLS {site key: base URL}, LEXWATCH_ARCHIVE_MAX_DAYS, LEXWATCH_MAX_PAGES,
LEXWATCH_SITEMAP_MAXSIZE.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from lxml import etree
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from w3lib.url import url_query_cleaner

from lexwatch.crawler.context import CrawlContext
from lexwatch.crawler.dates import Window, parse_dateline, parse_machine_date, tz_of
from lexwatch.crawler.feeds import XML_PARSER, child_text, feed_entries, local_name
from lexwatch.crawler.items import FetchedPage
from lexwatch.crawler.publishers import PUBLISHERS, Publisher, normalize_langs, origin
from lexwatch.urls import TRACKING_PARAMS

SOURCES = ("sitemaps", "feeds", "listings", "archive")


def utc_iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds") if moment else None


class NewsSpider(scrapy.Spider):
    name = ""

    def __init__(self, lang=None, since=None, until=None, sources=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.publisher: Publisher = PUBLISHERS[self.name]
        wanted = normalize_langs(lang)
        self.langs = [x for x in (wanted or self.publisher.languages) if x in self.publisher.languages]
        if wanted and not self.langs:
            raise ValueError(f"{self.name} has no edition in {', '.join(wanted)} "
                             f"(it has {', '.join(self.publisher.languages)})")
        self.window = Window(since, until, self.publisher.utc_offset)
        self.sources = set((sources.split(",") if isinstance(sources, str) else sources) or SOURCES)
        if self.sources - set(SOURCES):
            raise ValueError(f"unknown source(s) {sorted(self.sources - set(SOURCES))}; use {SOURCES}")
        self.archive_max_days, self.max_pages, self.sitemap_maxsize = 62, 200, 64 * 1024 * 1024
        self.context: CrawlContext | None = None
        self.sitemaps_read: set[str] = set()     # "site:lang" whose covering sitemap index was read this run
        self.fallen_back: set[str] = set()       # editions whose feeds and listings came back this run
        self.configure_sites({})

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure_sites(crawler.settings.getdict("LEXWATCH_BASE_URLS"))
        spider.archive_max_days = crawler.settings.getint("LEXWATCH_ARCHIVE_MAX_DAYS", 62)
        spider.max_pages = crawler.settings.getint("LEXWATCH_MAX_PAGES", 200)
        spider.sitemap_maxsize = crawler.settings.getint("LEXWATCH_SITEMAP_MAXSIZE", 64 * 1024 * 1024)
        spider.context = CrawlContext.of(crawler)
        return spider

    @property
    def state(self):
        return self.context.state if self.context is not None else None

    def _count(self, key: str, n: int = 1) -> None:
        crawler = getattr(self, "crawler", None)
        if crawler is not None and n:
            crawler.stats.inc_value(key, n)

    def closed(self, reason):
        # Runs before the crawl context closes the state (connected earlier, at spider creation).
        state = self.state
        if state is not None and reason == "finished" and self.sitemaps_read:
            state.cover(sorted(self.sitemaps_read))

    def configure_sites(self, base_urls: dict[str, str]) -> None:
        self.bases = {s.key: (base_urls.get(s.key) or s.base_url).rstrip("/") for s in self.publisher.sites}
        self.site_by_origin = {origin(base): key for key, base in self.bases.items()}
        self.site_origins = set(self.site_by_origin)
        # Absolute links name the real origins (and their aliases, http or https): map them to ours.
        self.origin_map: dict[str, str] = {}
        for site in self.publisher.sites:
            for real in (site.base_url, *site.aliases):
                host = urlsplit(real).netloc
                for scheme in ("http", "https"):
                    self.origin_map[f"{scheme}://{host}"] = origin(self.bases[site.key])

    # -- URLs ------------------------------------------------------------------------------
    def resolve(self, base_url: str, href: str | None) -> str | None:
        """Absolute URL without fragment and tracking parameters, real origin mapped to ours."""
        if not href or href.strip().lower().startswith(("javascript:", "mailto:", "tel:", "#")):
            return None
        url = urljoin(base_url, href.strip())
        url = url_query_cleaner(url, TRACKING_PARAMS, remove=True)
        parts = urlsplit(url)
        mapped = self.origin_map.get(f"{parts.scheme}://{parts.netloc}".lower())
        if mapped:
            scheme, netloc = mapped.split("://", 1)
            parts = parts._replace(scheme=scheme, netloc=netloc)
        return urlunsplit(parts._replace(fragment=""))

    def edition_of(self, url: str) -> str | None:
        key = self.site_by_origin.get(origin(url))
        if key is None:
            return None
        edition = self.publisher.site(key).edition_of(urlsplit(url).path)
        return edition.lang if edition else None

    def meta_for(self, kind: str, url: str, **extra) -> dict:
        return {"lw_kind": kind, "lw_site": self.site_by_origin.get(origin(url), ""),
                "lw_edition": self.edition_of(url), **extra}

    def article_request(self, url: str | None, source: str, published: datetime | None = None,
                        lastmod: datetime | None = None) -> scrapy.Request | None:
        if url:   # an AMP or print variant is its story: one story, one request, one record
            parts = urlsplit(url)
            url = urlunsplit(parts._replace(path=self.publisher.story_path(parts.path)))
        path = urlsplit(url).path if url else ""
        if not url or not self.publisher.is_article_path(path):
            return None
        day = self.publisher.day_in_path(path)
        if published is None and day:  # the day in the URL is the local publication day
            try:
                published = datetime(*day, tzinfo=tz_of(self.publisher.utc_offset))
            except ValueError:
                pass
        meta = self.meta_for("article", url, lw_source=source, lw_published=utc_iso(published),
                             lw_lastmod=utc_iso(lastmod))
        return scrapy.Request(url, callback=self.parse_article, errback=self.request_failed, meta=meta, priority=10)

    # -- discovery -------------------------------------------------------------------------
    async def start(self):
        for request in self.discovery_requests(datetime.now(tz_of(self.publisher.utc_offset)).date()):
            yield request

    def discovery_requests(self, today):
        days = self.window.days(today) if self.window.since else []
        use_archive = "archive" in self.sources and 0 < len(days) <= self.archive_max_days
        if "archive" in self.sources and self.window.since and not use_archive:
            self.logger.info("date window of %d days is longer than LEXWATCH_ARCHIVE_MAX_DAYS=%d: "
                             "dated archives skipped, sitemaps and listings cover it", len(days),
                             self.archive_max_days)
        state = self.state
        for site in self.publisher.sites:
            base = self.bases[site.key]
            editions = [e for e in site.editions if e.lang in self.langs]
            if "sitemaps" in self.sources and editions:
                for path in site.sitemaps:
                    yield self.sitemap_request(base + path, top=True, covers=[f"{site.key}:{e.lang}" for e in editions])
            for edition in editions:
                key = f"{site.key}:{edition.lang}"
                if "sitemaps" in self.sources:
                    for path in edition.sitemaps:
                        yield self.sitemap_request(base + path, top=True, covers=[key])
                if "sitemaps" in self.sources and state is not None and (site.sitemaps or edition.sitemaps) \
                        and state.covered(key):
                    self._count("lexwatch/skipped/covered-by-sitemaps",
                                len(edition.feeds) * ("feeds" in self.sources)
                                + len(edition.listings) * ("listings" in self.sources))
                else:
                    yield from self.fresh_requests(site.key, edition)
                if use_archive and edition.archive:
                    for day in days:
                        url = base + edition.archive.format(date=day.strftime(self.publisher.archive_date_format))
                        # past days are complete once read; today and yesterday may still grow
                        yield scrapy.Request(url, callback=self.parse_listing, errback=self.request_failed,
                                             dont_filter=True,
                                             meta=self.meta_for("archive", url,
                                                                lw_settle=day < today - timedelta(days=1)))

    def fresh_requests(self, site_key: str, edition):
        """The edition's feeds and first listing pages."""
        base = self.bases[site_key]
        if "feeds" in self.sources:
            for path in edition.feeds:
                url = base + path
                yield scrapy.Request(url, callback=self.parse_feed, errback=self.request_failed, dont_filter=True,
                                     meta=self.meta_for("feed", url, lw_conditional=True,
                                                        handle_httpstatus_list=[304]))
        if "listings" in self.sources:
            for path in edition.listings:
                yield self.listing_request(base + path, chain=base + path, page_no=1, first=True)

    def fallback_requests(self, covers: list[str]):
        """Feeds and listings of editions left to a sitemap index that failed this run."""
        for key in covers:
            if key in self.fallen_back or key in self.sitemaps_read:
                continue
            self.fallen_back.add(key)
            site_key, lang = key.split(":", 1)
            site = self.publisher.site(site_key)
            if self.state is not None and self.state.covered(key):
                self._count("lexwatch/discovery_fallback")
                yield from self.fresh_requests(site_key, next(e for e in site.editions if e.lang == lang))

    def sitemap_request(self, url: str, top: bool = False, covers: list[str] | None = None,
                        announced: datetime | None = None, news: bool = False) -> scrapy.Request:
        # Indexes are always read: they announce which children changed. Children are conditional.
        meta = self.meta_for("sitemap", url, lw_conditional=not top, handle_httpstatus_list=[304],
                             download_maxsize=self.sitemap_maxsize,  # sitemaps may reach 50 MB, pages may not
                             lw_covers=covers or [], lw_announced=utc_iso(announced), lw_news=news)
        return scrapy.Request(url, callback=self.parse_sitemap, meta=meta, dont_filter=top,
                              errback=self.sitemap_failed if top else self.request_failed)

    def request_failed(self, failure) -> None:
        """Errback: one log line for a request that failed (a size cap, a timeout, a refused connection,
        an error status) instead of Scrapy's traceback; the crawl goes on. Dropped requests (robots.txt,
        off-site, duplicates) were reported where they were dropped."""
        self._report_failure(failure)

    def _report_failure(self, failure):
        """Log the failure; return its request (None when unknown)."""
        request = getattr(failure, "request", None)
        if failure.check(HttpError):
            response = failure.value.response
            request = response.request
            self.logger.info("%s %s: HTTP %d, not read", request.meta.get("lw_kind", "page"), response.url,
                             response.status)
        elif not failure.check(IgnoreRequest):
            self.crawler.stats.inc_value("lexwatch/download_errors")
            reason = " ".join(str(failure.value).split())[:300] or failure.type.__name__
            self.logger.error("%s %s not downloaded: %s", (request.meta.get("lw_kind", "page") if request else "page"),
                              request.url if request else "?", reason)
        return request

    def sitemap_failed(self, failure):
        request = self._report_failure(failure)
        if request is not None:
            fallback = list(self.fallback_requests(request.meta.get("lw_covers") or []))
            if fallback:
                self.logger.warning("sitemap index %s failed (%s): its editions' feeds and listings are read instead",
                                    request.url, failure.value)
            yield from fallback

    def listing_request(self, url: str, chain: str, page_no: int, first: bool = False) -> scrapy.Request:
        meta = self.meta_for("listing", url, lw_chain=chain, lw_page_no=page_no, lw_next=not first)
        return scrapy.Request(url, callback=self.parse_listing, meta=meta, dont_filter=first)

    # -- callbacks -------------------------------------------------------------------------
    def parse_sitemap(self, response):
        meta = response.meta
        # what the index announced for this child, committed by FrontierMiddleware once its links are pending
        read = ((meta.get("redirect_urls") or [response.url])[0], meta.get("lw_announced"), meta.get("lw_news", False))
        if response.status == 304:
            self.sitemaps_read.update(meta.get("lw_covers") or [])
            if not meta.get("lw_covers"):
                meta["lw_sitemap_read"] = read
            return
        root = self.read_xml(response, "sitemap", ("urlset", "sitemapindex"))
        if root is None:
            yield from self.fallback_requests(meta.get("lw_covers") or [])
            return
        offset = self.publisher.utc_offset
        kind = local_name(root.tag)
        if kind == "sitemapindex":
            self.sitemaps_read.update(meta.get("lw_covers") or [])
            yield from self._changed_children(response.url, root, offset)
            return
        if kind == "urlset" and meta.get("lw_covers"):   # a top-level sitemap that is a urlset itself
            self.sitemaps_read.update(meta["lw_covers"])
        elif kind == "urlset":
            meta["lw_sitemap_read"] = read[:2] + (any(local_name(c.tag) == "news" for node in root for c in node),)
        for node in root:
            loc = self.resolve(response.url, child_text(node, "loc"))
            lastmod = parse_machine_date(child_text(node, "lastmod"), offset)
            if kind == "urlset":
                published = parse_machine_date(child_text(node, "publication_date"), offset)
                request = self.article_request(loc, "sitemap", published, lastmod)
                if request:
                    yield request

    def _changed_children(self, index_url: str, root, offset: str):
        """Requests for the children of a sitemap index that changed since this crawl state last read them."""
        state = self.state
        changed = []
        for node in root:
            loc = self.resolve(index_url, child_text(node, "loc"))
            if not loc:
                continue
            lastmod = parse_machine_date(child_text(node, "lastmod"), offset)
            if self.window.before(lastmod):
                continue  # nothing in it changed since the window opened
            known = state.sitemap_child(loc) if state is not None else None
            seen = parse_machine_date(known[0], "+00:00") if known and known[0] else None
            if lastmod is not None and seen is not None and lastmod <= seen:
                self._count("lexwatch/skipped/sitemap-unchanged")
                continue
            changed.append((loc, lastmod, bool(known and known[1])))
        if any(not news for _, _, news in changed):
            # the changed regular children hold everything; the news sitemap repeats their newest entries
            self._count("lexwatch/skipped/news-sitemap-covered", sum(news for _, _, news in changed))
            changed = [c for c in changed if not c[2]]
        for loc, lastmod, news in changed:
            yield self.sitemap_request(loc, announced=lastmod, news=news)

    def parse_feed(self, response):
        if response.status == 304:
            return
        root = self.read_xml(response, "feed", ("rss", "feed", "RDF"))
        if root is None:
            return
        offset = self.publisher.utc_offset
        for link, when in feed_entries(root):
            request = self.article_request(self.resolve(response.url, link), "feed", parse_machine_date(when, offset))
            if request:
                yield request

    def read_xml(self, response, what: str, roots: tuple[str, ...]):
        """The XML root of a sitemap or feed (gzipped or not), or None after one warning saying why:
        a hostile or broken document is a log line, never an exception in the callback."""
        body = response.body
        try:
            if body[:2] == b"\x1f\x8b":
                body = gunzip(body, max_size=self.sitemap_maxsize)
            root = etree.fromstring(body, parser=XML_PARSER)
        except (OSError, EOFError, ValueError, etree.XMLSyntaxError) as exc:
            # a gzip bomb raises a ValueError subclass (_DecompressionMaxSizeExceeded)
            reason = (f"decompresses to more than {self.sitemap_maxsize} bytes"
                      if "exceeded" in str(exc) else " ".join(str(exc).split())[:200] or type(exc).__name__)
            self.logger.warning("unreadable %s %s: %s", what, response.url, reason)
            return None
        if root is None or local_name(root.tag) not in roots:
            found = f"<{local_name(root.tag)}>" if root is not None else "nothing"
            self.logger.warning("unreadable %s %s: %s where %s was expected", what, response.url, found,
                                " or ".join(f"<{r}>" for r in roots))
            return None
        return root

    def parse_listing(self, response):
        listing, kind = self.publisher.listing, response.meta["lw_kind"]
        for item in response.css(listing.item):
            url = self.resolve(response.url, item.css(listing.link).get())
            dateline = " ".join(t.strip() for t in item.css(f"{listing.date} ::text").getall())
            request = self.article_request(url, kind, parse_dateline(dateline, self.publisher.utc_offset))
            if request:
                yield request
        page_no = response.meta.get("lw_page_no", 1)
        next_url = self.resolve(response.url, response.css(listing.next_page).get())
        if kind == "listing" and next_url and page_no < self.max_pages:
            yield self.listing_request(next_url, response.meta["lw_chain"], page_no + 1)
        elif kind == "listing" and next_url:   # an endless listing or a calendar trap
            self.logger.warning("listing %s: not following page %d (%s): LEXWATCH_MAX_PAGES=%d",
                                response.meta.get("lw_chain"), page_no + 1, next_url, self.max_pages)

    def parse_article(self, response):
        meta = response.meta
        content_type = response.headers.get(b"Content-Type")
        yield FetchedPage(
            url=response.url,
            status=response.status,
            body=response.body,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs],
            request_headers=[(k.decode("latin-1"), v.decode("latin-1"))
                             for k, vs in response.request.headers.items() for v in vs],
            outlet=self.name,
            site=self.site_by_origin.get(origin(response.url), meta.get("lw_site", "")),
            edition=self.edition_of(response.url) or meta.get("lw_edition"),
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            content_type=content_type.decode("latin-1") if content_type else None,
            published_hint=meta.get("lw_published"),
            lastmod_hint=meta.get("lw_lastmod"),
            requested_url=(meta.get("redirect_urls") or [response.url])[0],
            refetch=bool(meta.get("lw_refetch")),
        )
