"""Write every fetched article page to WARC before anything interprets it.

Settings: LEXWATCH_WARC_DIR (off when unset: NotConfigured), LEXWATCH_WARC_MAX_BYTES (rotation).
"""
from __future__ import annotations

from scrapy.exceptions import NotConfigured

from crawler.items import FetchedPage
from crawler.warc import RotatingWarcWriter


class WarcCapturePipeline:
    def __init__(self, crawler, directory: str, max_bytes: int) -> None:
        self.crawler = crawler
        self.directory, self.max_bytes = directory, max_bytes
        self.writer: RotatingWarcWriter | None = None

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
            self.writer.write(item.url, item.status, item.headers, item.body, item.request_headers,
                              item.fetched_at, {"outlet": item.outlet, "site": item.site,
                                                "edition": item.edition or ""})
            self.crawler.stats.inc_value("lexwatch/warc_records")
        return item

    def close_spider(self):
        if self.writer is not None:
            self.writer.close()
