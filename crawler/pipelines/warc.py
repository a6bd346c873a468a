"""Write every fetched article page to WARC before anything interprets it.

When a record cannot be written (a full disk) the crawl stops (finish reason `warc_failed`): an
article is stored only with its raw page kept, and what was not captured stays in the crawl
state's frontier for the next run.
Settings: LEXWATCH_WARC_DIR (off when unset: NotConfigured), LEXWATCH_WARC_MAX_BYTES (rotation).
"""
from __future__ import annotations

import logging

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from lexwatch.crawler.items import FetchedPage
from lexwatch.crawler.warc import RotatingWarcWriter, WarcWriteError

logger = logging.getLogger(__name__)


class WarcCapturePipeline:
    def __init__(self, crawler, directory: str, max_bytes: int) -> None:
        self.crawler = crawler
        self.directory, self.max_bytes = directory, max_bytes
        self.writer: RotatingWarcWriter | None = None
        self.failed: str | None = None

    @classmethod
    def from_crawler(cls, crawler):
        directory = crawler.settings.get("LEXWATCH_WARC_DIR")
        if not directory:
            raise NotConfigured
        return cls(crawler, directory, crawler.settings.getint("LEXWATCH_WARC_MAX_BYTES", 256 * 1024 * 1024))

    def open_spider(self):
        self.writer = RotatingWarcWriter(self.directory, f"lexwatch-{self.crawler.spider.name}", self.max_bytes)

    def process_item(self, item):
        if isinstance(item, FetchedPage):
            if self.failed:
                raise DropItem(f"not captured (writing WARC failed): {item.url}")
            try:
                self.writer.write(item.url, item.status, item.headers, item.body, item.request_headers,
                                  item.fetched_at, {"outlet": item.outlet, "site": item.site,
                                                    "edition": item.edition or ""})
            except WarcWriteError as exc:
                self.failed = str(exc)
                self.crawler.stats.set_value("lexwatch/warc_error", self.failed)
                logger.error("%s; stopping the crawl: articles already stored have their WARC records, the "
                             "rest stays in the frontier for the next run", exc)
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="warc_failed"))
                raise DropItem(f"not captured: {item.url}") from None
            self.crawler.stats.inc_value("lexwatch/warc_records")
        return item

    def close_spider(self):
        if self.writer is not None:
            self.writer.close()
