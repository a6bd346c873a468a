"""Crawl policy on what the spider discovers: fetch each article once, only what is new or updated.

FrontierMiddleware (spider middleware) judges every article request a callback yields:
- off-site, outside the editions asked, or outside the date window (by its feed/sitemap/listing
  date) -> dropped;
- already scheduled in this run (same canonical URL, e.g. through a tracking-parameter link) ->
  dropped;
- already stored -> dropped, unless its lastmod is newer than the one the stored copy reflects
  (then refetched, meta `lw_refetch`);
- otherwise scheduled and written to the durable frontier (crawl state `pending`).
A listing's next page is dropped when every article on the page was stored or older than the
window (incremental stop); followed pages are written to `open_pages` until read. At start, the
previous runs' pending articles and open pages are scheduled again: a killed crawl resumes from
there, whatever Scrapy's JOBDIR queue could save. Dated archive pages of past days are read once.

ArticleFetchMiddleware (downloader middleware, nearer the wire than redirects): an article answered
404/410 or moved permanently is settled (a move carries its frontier entry to the new address), a
redirect onto an article already stored is not followed, an article forbidden by robots.txt
leaves the frontier.
Settings: LEXWATCH_MAX_ATTEMPTS (runs a pending URL is retried in), LEXWATCH_STORE.
"""
from __future__ import annotations

import logging
from datetime import timezone
from urllib.parse import urljoin

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from lexwatch.crawler.context import CrawlContext
from lexwatch.crawler.dates import parse_machine_date
from lexwatch.crawler.publishers import origin
from lexwatch.index.store import StoreError
from lexwatch.article import article_id
from lexwatch.urls import canonical_url

logger = logging.getLogger(__name__)
STORED_OR_OLD = {"stored", "before-window"}
PERMANENT_REDIRECTS = (301, 308)


def stored_lastmod(article, hint: str | None) -> str | None:
    """The newest of a stored article's own dates and the lastmod that led to it (UTC ISO)."""
    moments = [parse_machine_date(v, "+00:00") for v in (hint, article.modified_at, article.published_at)]
    moments = [m for m in moments if m is not None]
    return max(moments).astimezone(timezone.utc).isoformat(timespec="seconds") if moments else None


class FrontierMiddleware:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.context = CrawlContext.of(crawler)
        self.stats = crawler.stats
        self.max_attempts = crawler.settings.getint("LEXWATCH_MAX_ATTEMPTS", 3)
        self.scheduled: set[str] = set()
        self.store_warned = False

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def spider(self):
        return self.crawler.spider

    # -- start: discovery requests, then what earlier runs left unfinished -------------------
    async def process_start(self, start):
        leftovers = self._leftovers()  # read before this run adds its own rows
        state = self.context.state
        async for request in start:
            if isinstance(request, Request) and request.meta.get("lw_kind") == "archive" and state \
                    and state.settled(request.url):
                self.stats.inc_value("lexwatch/skipped/archive-settled")
                continue
            yield request
        for request in leftovers:
            yield request

    def _leftovers(self) -> list[Request]:
        """Listing pages and articles earlier runs scheduled but never finished."""
        state, spider = self.context.state, self.spider
        if state is None:
            return []
        requests = []
        for row in state.open_pages(spider.name, self.max_attempts):
            if row["site"] in spider.bases and row["edition"] in spider.langs:
                self.stats.inc_value("lexwatch/resumed/pages")
                requests.append(spider.listing_request(row["url"], row["chain"], page_no=2))
        rows = [r for r in state.pending(spider.name, self.max_attempts)
                if r["site"] in spider.bases and r["edition"] in spider.langs]
        stored = self._stored([r["url"] for r in rows])
        state.count_attempt(r["canonical"] for r in rows)
        for row in rows:
            if row["canonical"] in stored:
                state.forget(row["canonical"])  # stored by a run killed before it could tidy up
                continue
            request = spider.article_request(row["url"], "resume", parse_machine_date(row["published"], "+00:00"),
                                             parse_machine_date(row["lastmod"], "+00:00"))
            if request is not None and self._judge(request, {}) is None:
                self.stats.inc_value("lexwatch/resumed/articles")
                requests.append(request)
        return requests

    # -- callbacks' output ------------------------------------------------------------------
    async def process_spider_output(self, response, result):
        outputs = [r async for r in result]
        articles = [r for r in outputs if isinstance(r, Request) and r.meta.get("lw_kind") == "article"]
        stored = self._stored([r.url for r in articles])
        verdicts = {id(r): self._judge(r, stored) for r in articles}
        state = self.context.state
        if state is not None:
            state.add_pending([self._pending_row(r) for r in articles if verdicts[id(r)] is None])
        # stop paging when nothing here is new: no fresh or in-flight article, some stored or old
        nothing_new = any(v in STORED_OR_OLD for v in verdicts.values()) and not any(
            v is None or v == "duplicate" for v in verdicts.values())
        kind = response.meta.get("lw_kind")
        if kind == "article":
            self.stats.inc_value("lexwatch/article_pages")
        for out in outputs:
            if not isinstance(out, Request):
                yield out
            elif id(out) in verdicts:
                reason = verdicts[id(out)]
                self.stats.inc_value(f"lexwatch/discovered/{out.meta.get('lw_source')}")
                if reason is None:
                    yield out
                else:
                    self.stats.inc_value(f"lexwatch/skipped/{reason}")
            elif out.meta.get("lw_next"):
                if nothing_new:
                    self.stats.inc_value("lexwatch/pagination_stopped")
                    continue
                if state is not None:
                    meta = out.meta
                    state.open_page(out.url, meta["lw_chain"], self.spider.name, meta["lw_site"], meta["lw_edition"])
                yield out
            else:
                yield out
        if state is not None:
            if response.meta.get("lw_validators"):
                state.remember_validators(*response.meta["lw_validators"])
            if response.meta.get("lw_sitemap_read"):   # a sitemap child read: skipped until its index lastmod moves
                state.remember_sitemap_child(*response.meta["lw_sitemap_read"])
            if kind == "listing":
                state.close_page((response.meta.get("redirect_urls") or [response.url])[0])
            elif kind == "archive" and response.meta.get("lw_settle") and response.status == 200:
                state.settle(response.url)

    def _judge(self, request: Request, stored: dict[str, str]) -> str | None:
        """Why this article request is not worth sending, or None when it is."""
        spider, meta = self.spider, request.meta
        if origin(request.url) not in spider.site_origins:
            return "offsite"
        if meta.get("lw_edition") not in spider.langs:
            return "other-edition"
        published = parse_machine_date(meta.get("lw_published"), "+00:00")
        lastmod = parse_machine_date(meta.get("lw_lastmod"), "+00:00")
        if spider.window.before(published) or spider.window.before(lastmod):
            return "before-window"
        if spider.window.after(published):
            return "after-window"
        canonical = canonical_url(request.url)
        state = self.context.state
        if canonical in self.scheduled:
            if state is not None and meta.get("lw_lastmod"):
                state.raise_pending_lastmod(canonical, meta["lw_lastmod"])
            return "duplicate"
        if state is not None and state.settled(canonical):
            return "settled"  # gone (404/410) or an address that moved
        if canonical in stored:
            if not (lastmod and state is not None and self._updated(canonical, lastmod)):
                return "stored"
            meta["lw_refetch"] = True
            self.stats.inc_value("lexwatch/refetch_updated")
        self.scheduled.add(canonical)
        return None

    def _updated(self, canonical: str, lastmod) -> bool:
        state = self.context.state
        known = state.stored_lastmods([canonical]).get(canonical)
        if known is None:  # stored by another route (reprocess, a lost state file): ask the store
            try:
                article = self.context.store.get(article_id(canonical))
            except StoreError:   # the store is away: no refetch now, the next crawl asks again
                return False
            known = stored_lastmod(article, None) if article else None
            state.mark_stored([(canonical, known)])
        known_at = parse_machine_date(known, "+00:00")
        return known_at is not None and lastmod > known_at

    def _stored(self, urls: list[str]) -> dict[str, str]:
        store = self.context.store
        if store is None or not urls:
            return {}
        try:
            return store.stored_hashes(urls)
        except StoreError as exc:
            # The store is away (the spool keeps what is fetched meanwhile): judge by what this crawl
            # state recorded as stored and what waits in the spool, so known articles are not refetched.
            self.stats.inc_value("lexwatch/store_unavailable")
            if not self.store_warned:
                self.store_warned = True
                logger.warning("the store cannot say which articles it holds (%s): going by the crawl state", exc)
            state, spool = self.context.state, getattr(self.context, "spool", None)
            canonicals = {canonical_url(u) for u in urls}
            known = set(state.stored_lastmods(canonicals)) if state is not None else set()
            if spool is not None:
                known |= spool.canonicals(canonicals)
            return {c: "" for c in known}

    def _pending_row(self, request: Request) -> tuple:
        meta = request.meta
        return (canonical_url(request.url), request.url, self.spider.name, meta["lw_site"], meta["lw_edition"],
                meta.get("lw_published"), meta.get("lw_lastmod"))


class ArticleFetchMiddleware:
    """Last checks on article downloads: a redirect that lands on a stored article is not followed;
    a permanent redirect moves the article's frontier entry to the new address; an article answered
    404/410 leaves the frontier for good, one forbidden by robots.txt leaves it for this run."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.context = CrawlContext.of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        meta = request.meta
        if meta.get("lw_kind") != "article" or not meta.get("redirect_urls") or meta.get("lw_refetch"):
            return None
        store, state = self.context.store, self.context.state
        try:
            seen = store is not None and store.seen(request.url)
        except StoreError:   # the store is away: fetch it; the upsert keeps one record
            seen = False
        if seen:
            if state is not None:
                alias = canonical_url(meta["redirect_urls"][0])
                state.forget(alias)
                state.settle(alias)
            self.crawler.stats.inc_value("lexwatch/skipped/redirect-to-stored")
            raise IgnoreRequest(f"redirect to a stored article: {request.url}")
        return None

    def process_exception(self, request, exception):
        # Forbidden by robots.txt: out of the frontier (found again, it is judged again).
        if request.meta.get("lw_kind") == "article" and isinstance(exception, IgnoreRequest) \
                and "robots.txt" in str(exception) and self.context.state is not None:
            self.context.state.forget(canonical_url((request.meta.get("redirect_urls") or [request.url])[0]))
        return None

    def process_response(self, request, response):
        if request.meta.get("lw_kind") != "article":
            return response
        state = self.context.state
        first = canonical_url((request.meta.get("redirect_urls") or [request.url])[0])
        if 300 <= response.status < 400 and b"Location" in response.headers:
            self._check_redirect(request, response)
        if response.status in (404, 410):
            if state is not None:
                state.forget(first)
                state.settle(first)
            self.crawler.stats.inc_value("lexwatch/article_gone")
        elif response.status in PERMANENT_REDIRECTS and b"Location" in response.headers and state is not None:
            # The frontier follows the page to its new address (durably: a kill before the target is
            # stored must not lose it), and the old address is never asked for again.
            target = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
            meta = request.meta
            state.add_pending([(canonical_url(target), target, self.crawler.spider.name, meta.get("lw_site", ""),
                                meta.get("lw_edition"), meta.get("lw_published"), meta.get("lw_lastmod"))])
            state.forget(first)
            state.settle(first)
        return response

    def _check_redirect(self, request, response) -> None:
        """Say so when an article's redirects loop or exceed REDIRECT_MAX_TIMES (Scrapy drops it silently)."""
        seen = [canonical_url(u) for u in request.meta.get("redirect_urls") or []] + [canonical_url(request.url)]
        target = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
        limit = self.crawler.settings.getint("REDIRECT_MAX_TIMES", 20)
        if canonical_url(target) in seen and not request.meta.get("lw_loop_reported"):
            request.meta["lw_loop_reported"] = True
            self.crawler.stats.inc_value("lexwatch/redirect_loops")
            logger.warning("article %s redirects in a loop (%s): given up after %d redirects", seen[0],
                           " -> ".join(seen + [canonical_url(target)])[:500], limit)
        elif len(seen) > limit and not request.meta.get("lw_loop_reported"):
            logger.warning("article %s: more than REDIRECT_MAX_TIMES=%d redirects: given up", seen[0], limit)
