"""Turn a fetched page into an Article (extraction, language, deepfake tagging) via nlp.

Calls `nlp.pipeline.analyze_page`; a page it cannot use (`nlp.AnalysisError`) is dropped and
leaves the frontier. The output keeps the fetch facts next to the Article for the later stages.
Analysis is CPU-bound and would hold the reactor: with LEXWATCH_ANALYZE_WORKERS > 0 it runs in
that many worker processes (each loads the language models once) while downloads go on;
0 analyzes in the crawl process. The default (None) is one worker when this process may use two
cores or more: the crawl runs on one core, analysis on the other.
With workers, the reactor never waits on analysis: the models are loaded without blocking it
(`open_spider` awaits the warm-up), and each worker also computes the store's search keys (the
lemmas of title and body, on its warm caches) and hands them over with the article, so the crawl
process neither loads pymorphy3 nor lemmatises (nlp.morph.hand_over). Articles leave this stage in
the order their pages arrived, so the store writes them in fetch order for any number of workers.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from scrapy.exceptions import DropItem

from lexwatch.crawler.context import CrawlContext
from lexwatch.crawler.items import FetchedPage
from lexwatch.article import Article
from lexwatch.urls import canonical_url

WARM_UP = {lang: f"<html lang='{lang}'><body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
           for lang, title, text in (
               ("az", "Milli Məclis", "Milli Məclis süni intellektlə yaradılmış materiallara dair qanun layihəsini müzakirə edib."),
               ("ru", "Мажилис", "Депутаты обсудили законопроект об искусственном интеллекте и дипфейках."),
               ("kk", "Мәжіліс", "Депутаттар жасанды интеллект туралы заң жобасын талқылады."),
               ("en", "Parliament", "Parliament discussed a draft law on artificial intelligence and deepfakes."))}


def analyze(body: bytes, url: str, outlet: str, edition: str | None, content_type: str | None,
            fetched_at: str | None) -> Article:
    from lexwatch.nlp.pipeline import analyze_page
    return analyze_page(body, url, outlet=outlet, edition=edition, content_type=content_type, fetched_at=fetched_at)


def usable_cores() -> int:
    """The cores this process may run on (a container or `taskset` may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # not on Linux
        return max(1, os.cpu_count() or 1)


def default_workers() -> int:
    """Analysis workers of a crawl: one when a second core is there for it, else none."""
    return 1 if usable_cores() >= 2 else 0


def indexed_text(article: Article) -> str:
    """What both stores lemmatise for search (index/sqlite_store.py, index/es_store.py)."""
    return f"{article.title}\n{article.body}"


def analyze_with_keys(body: bytes, url: str, outlet: str, edition: str | None, content_type: str | None,
                      fetched_at: str | None) -> tuple[Article, str]:
    """In a worker: the article and its search keys, so the crawl process need not compute them."""
    from lexwatch.nlp.morph import lemma_text
    article = analyze(body, url, outlet, edition, content_type, fetched_at)
    return article, lemma_text(indexed_text(article), article.language)


def warm_up(langs: list[str], url: str, outlet: str) -> None:
    from lexwatch.nlp import AnalysisError
    for lang in langs:
        try:
            analyze(WARM_UP.get(lang, WARM_UP["en"]).encode(), url, outlet, lang, "text/html; charset=utf-8", None)
        except AnalysisError:
            pass


class SharedPool:
    """One worker pool per crawl process, shared by the outlets' crawlers running in it."""
    pool: ProcessPoolExecutor | None = None
    users = 0

    @classmethod
    def acquire(cls, workers: int) -> ProcessPoolExecutor:
        if cls.pool is None:
            # spawn: forking a process that runs a reactor and threads is not safe
            cls.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        cls.users += 1
        return cls.pool

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users == 0 and cls.pool is not None:
            cls.pool.shutdown(wait=True)
            cls.pool = None


@dataclass
class AnalyzedPage:
    article: Article
    page: FetchedPage

    def __repr__(self) -> str:   # Scrapy logs a dropped item whole: not the article's text
        return f"AnalyzedPage(url={self.page.url!r}, id={self.article.id!r}, title={self.article.title[:80]!r})"


class AnalyzePipeline:
    def __init__(self, crawler, workers: int) -> None:
        from lexwatch.nlp import AnalysisError
        from lexwatch.nlp.morph import hand_over
        self.crawler, self.unusable, self.hand_over = crawler, AnalysisError, hand_over
        self.context = CrawlContext.of(crawler)
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self._last_turn: asyncio.Future | None = None   # set when the latest page has left this stage

    @classmethod
    def from_crawler(cls, crawler):
        workers = crawler.settings.get("LEXWATCH_ANALYZE_WORKERS")
        return cls(crawler, default_workers() if workers in (None, "") else int(workers))

    async def open_spider(self):
        # Build each language's models now, not inside the first article's timing (and fail early);
        # in the workers, awaited: the outlets' crawlers that already run go on meanwhile.
        spider = self.crawler.spider
        args = (spider.langs, next(iter(spider.bases.values())) + "/warm-up", spider.name)
        if self.workers > 0:
            self.pool = SharedPool.acquire(self.workers)
            await asyncio.gather(*(asyncio.wrap_future(self.pool.submit(warm_up, *args))
                                   for _ in range(self.workers)))
        else:
            warm_up(*args)

    def close_spider(self):
        if self.pool is not None:
            self.pool = None
            SharedPool.release()

    async def process_item(self, item):
        if not isinstance(item, FetchedPage):
            return item
        args = (item.body, item.url, item.outlet, item.edition, item.content_type, item.fetched_at)
        if self.pool is None:
            return self._outcome(item, lambda: analyze(*args))
        # Pages leave in the order they came in, whichever worker finishes first: each waits for the
        # one before it, so the store writes articles in fetch order (as without workers).
        turn, before = asyncio.get_running_loop().create_future(), self._last_turn
        self._last_turn = turn
        try:
            done = asyncio.wrap_future(self.pool.submit(analyze_with_keys, *args))
            await asyncio.wait([done])
            if before is not None:
                await before
            return self._outcome(item, lambda: self._handed_over(done.result()))
        finally:
            if not turn.done():
                turn.set_result(None)

    def _handed_over(self, result: tuple[Article, str]) -> Article:
        article, keys = result
        self.hand_over(indexed_text(article), article.language, keys)
        return article

    def _outcome(self, item: FetchedPage, analysis) -> "AnalyzedPage":
        try:
            article = analysis()
        except self.unusable as exc:
            self.crawler.stats.inc_value("lexwatch/unusable_pages")
            if self.context.state is not None:
                self.context.state.forget(canonical_url(item.requested_url or item.url))
            raise DropItem(f"unusable page {item.url}: {exc}") from None
        self.crawler.stats.inc_value("lexwatch/articles_analyzed")
        return AnalyzedPage(article, item)
