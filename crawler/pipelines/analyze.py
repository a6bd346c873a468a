"""Turn a fetched page into an Article (extraction, language, deepfake tagging) via nlp.

Calls `nlp.pipeline.analyze_page`; a page it cannot use (`nlp.AnalysisError`) is dropped and
leaves the frontier. The output keeps the fetch facts next to the Article for the later stages.
"""
from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import DropItem

from crawler.context import CrawlContext
from crawler.items import FetchedPage
from lexwatch.article import Article
from lexwatch.urls import canonical_url


@dataclass
class AnalyzedPage:
    article: Article
    page: FetchedPage


class AnalyzePipeline:
    def __init__(self, crawler) -> None:
        from nlp import AnalysisError
        from nlp.pipeline import analyze_page
        self.crawler, self.analyze, self.unusable = crawler, analyze_page, AnalysisError
        self.context = CrawlContext.of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, FetchedPage):
            return item
        try:
            article = self.analyze(item.body, item.url, outlet=item.outlet, edition=item.edition,
                                   content_type=item.content_type, fetched_at=item.fetched_at)
        except self.unusable as exc:
            self.crawler.stats.inc_value("lexwatch/unusable_pages")
            if self.context.state is not None:
                self.context.state.forget(canonical_url(item.requested_url or item.url))
            raise DropItem(f"unusable page {item.url}: {exc}") from None
        self.crawler.stats.inc_value("lexwatch/articles_analyzed")
        return AnalyzedPage(article, item)
