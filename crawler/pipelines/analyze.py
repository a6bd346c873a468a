"""Turn a fetched page into an Article (extraction, language, deepfake tagging) via nlp.

Calls `nlp.pipeline.analyze_page`; a page it cannot use (`nlp.AnalysisError`) is dropped and
leaves the frontier. The output keeps the fetch facts next to the Article for the later stages.
"""
from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import DropItem

from crawler.context import CrawlContext
from crawler.items import FetchedPage
from lexwatch.article import Article, article_id
from lexwatch.urls import canonical_url


WARM_UP = {lang: f"<html lang='{lang}'><body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
           for lang, title, text in (
               ("az", "Milli Məclis", "Milli Məclis süni intellektlə yaradılmış materiallara dair qanun layihəsini müzakirə edib."),
               ("ru", "Мажилис", "Депутаты обсудили законопроект об искусственном интеллекте и дипфейках."),
               ("kk", "Мәжіліс", "Депутаттар жасанды интеллект туралы заң жобасын талқылады."),
               ("en", "Parliament", "Parliament discussed a draft law on artificial intelligence and deepfakes."))}


def with_canonical_id(article: Article) -> Article:
    """Keep the store's promise that an article's id is the hash of lexwatch.urls.canonical_url:
    a page's declared canonical link comes as written (trailing slash and all), and Store.seen()
    must recognise the page under the URL the crawler knows it by."""
    canonical = canonical_url(article.canonical_url or article.url)
    if canonical != article.canonical_url:
        article.canonical_url, article.id = canonical, article_id(canonical)
    return article


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

    def open_spider(self):
        # Build each language's models now, not inside the first article's timing (and fail early).
        spider = self.crawler.spider
        url = next(iter(spider.bases.values())) + "/warm-up"
        for lang in spider.langs:
            try:
                self.analyze(WARM_UP.get(lang, WARM_UP["en"]).encode(), url, outlet=spider.name, edition=lang,
                             content_type="text/html; charset=utf-8")
            except self.unusable:
                pass

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
        return AnalyzedPage(with_canonical_id(article), item)
