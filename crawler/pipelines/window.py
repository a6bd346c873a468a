"""Drop articles whose own publication date falls outside the spider's date window.

Discovery already skipped what its feed/sitemap/listing dated outside the window; this catches
pages that came undated. An article without any date is kept (it cannot be placed).
"""
from __future__ import annotations

from scrapy.exceptions import DropItem

from lexwatch.crawler.context import CrawlContext
from lexwatch.crawler.dates import parse_machine_date
from lexwatch.crawler.pipelines.analyze import AnalyzedPage
from lexwatch.urls import canonical_url


class WindowFilterPipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.context = CrawlContext.of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, AnalyzedPage):
            return item
        window = self.crawler.spider.window
        published = parse_machine_date(item.article.published_at or item.page.published_hint, window.offset)
        if window.contains(published):
            return item
        self.crawler.stats.inc_value("lexwatch/outside_window")
        if self.context.state is not None:
            self.context.state.forget(canonical_url(item.page.requested_url or item.page.url))
        raise DropItem(f"published {item.article.published_at} outside the window: {item.page.url}")
