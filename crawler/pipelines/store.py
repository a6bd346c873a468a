"""Upsert analyzed articles into the lexwatch store, in small batches, and tell the crawl state.

Each written batch then goes through the GROUP step (lexwatch.developments.step.attach): its articles
join developments or open new ones in the same store.

A batch is written when LEXWATCH_STORE_BATCH articles are waiting and when the spider closes;
only then do its URLs leave the durable frontier, so a kill loses no article (the next run
fetches the unwritten ones again) and the store's idempotent upsert stores none twice.
What the store cannot take (unreachable, or refusing some documents of a batch) goes to the spool
(crawler/spool.py) and is replayed when the store is back: nothing is dropped. While the store is
away, batches go straight to the spool and the store is tried again every LEXWATCH_SPOOL_RETRY
seconds (and when the spider closes).
Settings: LEXWATCH_STORE (off when unset: NotConfigured), LEXWATCH_STORE_BATCH, LEXWATCH_SPOOL_PATH,
LEXWATCH_SPOOL_RETRY.
"""
from __future__ import annotations

import logging
import time

from scrapy.exceptions import NotConfigured

from lexwatch.crawler.context import CrawlContext
from lexwatch.crawler.middlewares.frontier import stored_lastmod
from lexwatch.crawler.pipelines.analyze import AnalyzedPage
from lexwatch.crawler.spool import Spool, spool_path_for
from lexwatch.developments.step import attach
from lexwatch.urls import canonical_url, redact, redact_url

logger = logging.getLogger(__name__)


def _one_line(exc: BaseException) -> str:
    return " ".join((str(exc) or type(exc).__name__).split())[:300]


class StorePipeline:
    def __init__(self, crawler, batch_size: int, retry_every: float) -> None:
        self.crawler, self.batch_size, self.retry_every = crawler, batch_size, retry_every
        self.context = CrawlContext.of(crawler)
        self.batch: list[AnalyzedPage] = []
        self.spool: Spool | None = None
        self.away: str | None = None        # why the store failed last, while it is away
        self.retry_at = 0.0                 # monotonic time before which the spool is not offered again
        self.closing = False                # the last flush: try the store whatever the backoff says

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("LEXWATCH_STORE"):
            raise NotConfigured("no LEXWATCH_STORE: articles are analyzed but not stored")
        return cls(crawler, max(1, crawler.settings.getint("LEXWATCH_STORE_BATCH", 20)),
                   crawler.settings.getfloat("LEXWATCH_SPOOL_RETRY", 30.0))

    @property
    def outlet(self) -> str:
        return self.crawler.spider.name

    def open_spider(self):
        self.context.store  # fail at start, not at the first article, when the store is unusable
        path = self.crawler.settings.get("LEXWATCH_SPOOL_PATH") or (
            spool_path_for(self.context.state_path) if self.context.state_path else None)
        if path:
            self.spool = Spool(path)
            self.context.spool = self.spool
            if self.spool.count(self.outlet):
                logger.warning("%d article(s) of %s wait in the spool %s from an earlier crawl: replaying them",
                               self.spool.count(self.outlet), self.outlet, self.spool.path)
                self.replay()

    def process_item(self, item):
        if isinstance(item, AnalyzedPage):
            self.batch.append(item)
            if len(self.batch) >= self.batch_size:
                self.flush()
        return item

    def close_spider(self):
        self.closing = True
        self.flush()
        self.make_searchable()
        if self.spool is not None:
            left = self.spool.count(self.outlet)
            self.crawler.stats.set_value("lexwatch/spool_left", left)
            if left:
                logger.error("%d article(s) of %s wait in the spool %s: the store did not take them (%s); "
                             "the next crawl replays them", left, self.outlet, self.spool.path,
                             self.away or "refused by the store")
            self.context.spool = None
            self.spool.close()
            self.spool = None

    def make_searchable(self) -> None:
        """Before the crawl returns, what it stored is found by search (Elasticsearch: the crawl
        writes with refresh off; a refresh that failed used to pass unnoticed in the store's close,
        leaving the last batches out of search until the next scheduled refresh)."""
        try:
            self.context.store.make_searchable()
        except Exception as exc:
            self.crawler.stats.inc_value("lexwatch/not_searchable")
            logger.error("stored articles of %s may not be found by search yet: %s", self.outlet, _one_line(exc))

    # -- writing ------------------------------------------------------------------------------
    def flush(self) -> None:
        final = self.closing
        batch, self.batch = self.batch, []
        if self.spool is not None and (final or self._due()):
            self.replay()
        if not batch:
            return
        # one record per story even when a batch holds the same page twice (redirect + direct link)
        latest = {entry.article.id: entry for entry in batch}
        entries = [(e.article, canonical_url(e.page.requested_url or e.page.url), e.page.lastmod_hint)
                   for e in latest.values()]
        if self.away is not None and not final and not self._due():
            self._to_spool(entries, self.away)
            return
        try:
            report = self.context.store.upsert(a for a, _, _ in entries)
        except Exception as exc:  # unreachable, refused, locked, disk full: keep the articles
            self._failed(exc)
            self._to_spool(entries, self.away)
            return
        self.away = None
        self._count(report)
        failed = dict(report.errors)
        for article_id, reason in report.errors:
            self.crawler.stats.inc_value("lexwatch/store_errors")
            logger.error("store refused article %s: %s", article_id, reason)
        refused = [e for e in entries if e[0].id in failed]
        if refused and self.spool is not None:
            for article, requested, hint in refused:
                self._to_spool([(article, requested, hint)], failed[article.id])
            self.retry_at = time.monotonic() + self.retry_every   # not again with the very next batch
        elif refused and self.context.state is not None:
            for _, requested, _ in refused:   # no spool: the next run fetches it again
                self.context.state.forget(requested)
        taken = [e for e in entries if e[0].id not in failed]
        for article, _, _ in taken:   # new or changed stories per edition (lexwatch watch's status)
            self.crawler.stats.inc_value(f"lexwatch/stored_edition/{article.edition or article.language}")
        if self.spool is not None:
            self.spool.discard(a.id for a, _, _ in taken)   # an older spooled version is superseded
        self._stored([(a, requested, self._lastmod(a, requested, hint)) for a, requested, hint in taken])

    def replay(self) -> None:
        """Offer the spooled articles of this outlet to the store again."""
        spool = self.spool
        if spool is None or not spool.count(self.outlet):
            return
        replayed, refused = 0, 0
        for chunk in spool.entries(self.outlet):
            try:
                report = self.context.store.upsert(s.article for s in chunk)
            except Exception as exc:
                self._failed(exc)
                return
            self._count(report)
            failed = dict(report.errors)
            spool.refused(report.errors)
            for article_id, reason in report.errors:
                self.crawler.stats.inc_value("lexwatch/store_errors")
                logger.error("store refused spooled article %s again (kept in the spool): %s", article_id, reason)
            taken = [s for s in chunk if s.article.id not in failed]
            self._stored([(s.article, s.requested, s.lastmod) for s in taken])
            spool.discard(s.article.id for s in taken)
            replayed += len(taken)
            refused += len(failed)
        self.away = None
        self.retry_at = time.monotonic() + self.retry_every if refused else 0.0
        if replayed:
            self.crawler.stats.inc_value("lexwatch/spool_replayed", replayed)
            logger.warning("the store took %d spooled article(s) of %s", replayed, self.outlet)

    # -- helpers ------------------------------------------------------------------------------
    def _due(self) -> bool:
        return time.monotonic() >= self.retry_at

    def _failed(self, exc: BaseException) -> None:
        if self.away is None:
            logger.error("the store %s failed (%s): articles go to the spool and are replayed when it is back",
                         redact_url(self.context.store_url), redact(_one_line(exc)))
        self.away = _one_line(exc)
        self.retry_at = time.monotonic() + self.retry_every
        self.crawler.stats.inc_value("lexwatch/store_failures")

    def _lastmod(self, article, requested: str, hint: str | None) -> str | None:
        state = self.context.state
        return stored_lastmod(article, (state.pending_lastmod(requested) if state is not None else None) or hint)

    def _to_spool(self, entries: list[tuple], reason: str) -> None:
        if self.spool is None:
            raise RuntimeError(f"the store failed and there is no spool: {reason}")
        rows = [(a, requested, self._lastmod(a, requested, hint)) for a, requested, hint in entries]
        self.spool.put(self.outlet, rows, reason)   # durable first, then out of the frontier
        self.crawler.stats.inc_value("lexwatch/spooled", len(rows))
        if self.context.state is not None:
            for _, requested, _ in rows:
                self.context.state.forget(requested)

    def _count(self, report) -> None:
        stats = self.crawler.stats
        stats.inc_value("lexwatch/articles_created", report.created)
        stats.inc_value("lexwatch/articles_updated", report.updated)
        stats.inc_value("lexwatch/articles_unchanged", report.unchanged)

    def _stored(self, rows: list[tuple]) -> None:
        """(article, requested canonical URL, lastmod) the store now holds: out of the frontier."""
        self._group([article for article, _, _ in rows])
        state = self.context.state
        if state is None or not rows:
            return
        done = []
        for article, requested, lastmod in rows:
            done.append((article.canonical_url, lastmod))
            if requested != article.canonical_url:  # reached through a redirect: ask the target next time
                state.forget(requested)
                state.settle(requested)
        state.mark_stored(done)

    def _group(self, articles) -> None:
        """The GROUP step (lexwatch.developments): attach the stored articles to developments. A
        failure here loses nothing: the articles are stored, `lexwatch developments rebuild` regroups."""
        if not articles:
            return
        try:
            attach(self.context.store, articles)
        except Exception as exc:
            self.crawler.stats.inc_value("lexwatch/developments_errors")
            logger.error("developments not updated for %d article(s) (run `lexwatch developments rebuild`): %s",
                         len(articles), _one_line(exc))
