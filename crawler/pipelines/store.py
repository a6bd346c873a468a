"""Upsert analyzed articles into the lexwatch store, in small batches, and tell the crawl state.

A batch is written when LEXWATCH_STORE_BATCH articles are waiting and when the spider closes;
only then do its URLs leave the durable frontier, so a kill loses no article (the next run
fetches the unwritten ones again) and the store's idempotent upsert stores none twice.
Settings: LEXWATCH_STORE (off when unset: NotConfigured), LEXWATCH_STORE_BATCH.
"""
from __future__ import annotations

import logging

from scrapy.exceptions import NotConfigured

from crawler.context import CrawlContext
from crawler.middlewares.frontier import stored_lastmod
from crawler.pipelines.analyze import AnalyzedPage
from lexwatch.urls import canonical_url

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler, batch_size: int) -> None:
        self.crawler, self.batch_size = crawler, batch_size
        self.context = CrawlContext.of(crawler)
        self.batch: list[AnalyzedPage] = []

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("LEXWATCH_STORE"):
            raise NotConfigured("no LEXWATCH_STORE: articles are analyzed but not stored")
        return cls(crawler, max(1, crawler.settings.getint("LEXWATCH_STORE_BATCH", 20)))

    def open_spider(self):
        self.context.store  # fail at start, not at the first article, when the store is unusable

    def process_item(self, item):
        if isinstance(item, AnalyzedPage):
            self.batch.append(item)
            if len(self.batch) >= self.batch_size:
                self.flush()
        return item

    def close_spider(self):
        self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        # one record per story even when a batch holds the same page twice (redirect + direct link)
        latest = {entry.article.id: entry for entry in batch}
        report = self.context.store.upsert(entry.article for entry in latest.values())
        stats = self.crawler.stats
        stats.inc_value("lexwatch/articles_created", report.created)
        stats.inc_value("lexwatch/articles_updated", report.updated)
        stats.inc_value("lexwatch/articles_unchanged", report.unchanged)
        failed = {article_id for article_id, _ in report.errors}
        for article_id, reason in report.errors:
            stats.inc_value("lexwatch/store_errors")
            logger.error("store refused article %s: %s", article_id, reason)
        state = self.context.state
        if state is None:
            return
        done = []
        for entry in latest.values():
            requested = canonical_url(entry.page.requested_url or entry.page.url)
            if entry.article.id in failed:
                state.forget(requested)
                continue
            hint = state.pending_lastmod(requested) or entry.page.lastmod_hint
            done.append((entry.article.canonical_url, stored_lastmod(entry.article, hint)))
            if requested != entry.article.canonical_url:  # reached through a redirect: ask the target next time
                state.forget(requested)
                state.settle(requested)
        state.mark_stored(done)
