"""Crawler components on their own: dates and window, crawl state, frontier policy, Retry-After,
WARC capture, the JOBDIR guard."""
from __future__ import annotations

import asyncio
import gzip
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from lexwatch.crawler.dates import Window, parse_dateline, parse_machine_date
from lexwatch.crawler.extensions import MARK, JobdirGuard
from lexwatch.crawler.middlewares.frontier import FrontierMiddleware
from lexwatch.crawler.middlewares.retry_after import RetryAfterMiddleware, retry_after_seconds
from lexwatch.crawler.spiders.outlets import ReportSpider
from lexwatch.crawler.state import CrawlState, state_path_for
from lexwatch.crawler.warc import RotatingWarcWriter, read_responses
from lexwatch.article import Article

BAKU, ASTANA = "+04:00", "+05:00"


@pytest.mark.parametrize("text,offset,expected", [
    ("21 fevral, 2026 19:22", BAKU, "2026-02-21T19:22:00+04:00"),
    ("12 March, 2026 14:23", BAKU, "2026-03-12T14:23:00+04:00"),
    ("22 ноября 2025, 15:40", ASTANA, "2025-11-22T15:40:00+05:00"),
    ("31 қаңтар 2026, 23:30", ASTANA, "2026-01-31T23:30:00+05:00"),
    ("06.07.2025", ASTANA, "2025-07-06T00:00:00+05:00"),
    ("14:23 12 mart, 2026", BAKU, "2026-03-12T14:23:00+04:00"),
])
def test_listing_datelines(text, offset, expected):
    assert parse_dateline(text, offset) == datetime.fromisoformat(expected)


def test_datelines_that_are_not_dates():
    assert parse_dateline("", BAKU) is None
    assert parse_dateline("31 fevral, 2026", BAKU) is None
    assert parse_dateline("Latest news 14:29", BAKU) is None


def test_machine_dates_rss_and_w3c():
    assert parse_machine_date("Thu, 12 Mar 2026 14:23:00 +0400", BAKU) == datetime(2026, 3, 12, 10, 23, tzinfo=timezone.utc)
    assert parse_machine_date("2026-03-12T14:23:00Z", BAKU) == datetime(2026, 3, 12, 14, 23, tzinfo=timezone.utc)
    assert parse_machine_date("2026-03-12", BAKU) == datetime(2026, 3, 12, tzinfo=timezone(timedelta(hours=4)))
    assert parse_machine_date("soon", BAKU) is None


def test_window_uses_the_outlets_local_day():
    window = Window("2026-01-01", "2026-01-31", ASTANA)
    last_evening = datetime(2026, 1, 31, 18, 30, tzinfo=timezone.utc)     # 23:30 in Astana
    after_midnight = datetime(2026, 1, 31, 19, 30, tzinfo=timezone.utc)   # 00:30 on 1 February
    assert window.contains(last_evening) and window.after(after_midnight)
    assert window.before(datetime(2025, 12, 31, 18, 59, tzinfo=timezone.utc))
    assert window.contains(None)
    assert [d.day for d in Window("2026-01-30", None, ASTANA).days(datetime(2026, 2, 1).date())] == [1, 31, 30]
    with pytest.raises(ValueError):
        Window("2026-02-01", "2026-01-01", ASTANA)


def test_state_survives_reopening_and_tracks_the_frontier(tmp_path):
    path = state_path_for(f"sqlite:///{tmp_path}/lexwatch.db")
    assert path == tmp_path / "lexwatch.crawl-state.db"
    state = CrawlState(path)
    state.add_pending([("https://r.az/a/b-c", "https://r.az/a/b-c/", "report", "report", "az", None, "2026-01-01T00:00:00+00:00")])
    state.raise_pending_lastmod("https://r.az/a/b-c", "2026-02-01T00:00:00+00:00")
    state.remember_validators("https://r.az/rss/", '"abc"', "Thu, 12 Mar 2026 10:00:00 GMT")
    state.open_page("https://r.az/feed?page=2", "https://r.az/feed", "report", "report", "az")
    state.close()
    state = CrawlState(path)
    [row] = state.pending("report", max_attempts=3)
    assert row["lastmod"] == "2026-02-01T00:00:00+00:00" and row["attempts"] == 0
    assert state.validators("https://r.az/rss/") == ('"abc"', "Thu, 12 Mar 2026 10:00:00 GMT")
    assert [p["url"] for p in state.open_pages("report", 3)] == ["https://r.az/feed?page=2"]
    state.count_attempt(["https://r.az/a/b-c"] * 1)
    state.count_attempt(["https://r.az/a/b-c"])
    state.count_attempt(["https://r.az/a/b-c"])
    assert state.pending("report", max_attempts=3) == []   # given up after three runs
    state.mark_stored([("https://r.az/a/b-c", "2026-02-01T00:00:00+00:00")])
    assert state.stored_lastmods(["https://r.az/a/b-c", "https://r.az/x"]) == {"https://r.az/a/b-c": "2026-02-01T00:00:00+00:00"}


@pytest.fixture
def frontier(tmp_path):
    store_url = f"sqlite:///{tmp_path}/lexwatch.db"
    crawler = get_crawler(ReportSpider, {"LEXWATCH_STORE": store_url})
    crawler.spider = crawler._create_spider(lang="az,en", since="2025-06-01")
    middleware = FrontierMiddleware(crawler)
    yield middleware
    middleware.context.close()


def run_output(middleware, response, outputs):
    async def results():
        yield_from = outputs

        async def generator():
            for x in yield_from:
                yield x
        return [x async for x in middleware.process_spider_output(response, generator())]
    return asyncio.run(results())


def article_request(spider, path, published=None, lastmod=None):
    return spider.article_request("https://report.az" + path, "sitemap", published, lastmod)


def test_frontier_skips_stored_articles_unless_their_lastmod_moved(frontier):
    spider, store, state = frontier.spider, frontier.context.store, frontier.context.state
    stored_url = "https://report.az/en/finance/stored-story"
    store.upsert([Article(url=stored_url, title="Stored", body="Body text.", published_at="2026-03-01T10:00:00+04:00")])
    state.mark_stored([(stored_url, "2026-03-01T06:00:00+00:00")])
    moment = datetime(2026, 3, 1, 6, tzinfo=timezone.utc)
    same = article_request(spider, "/en/finance/stored-story", lastmod=moment)
    newer = article_request(spider, "/en/finance/stored-story?utm_source=x", lastmod=moment + timedelta(days=3))
    fresh = article_request(spider, "/en/finance/fresh-story", published=moment)
    again = article_request(spider, "/en/finance/fresh-story", published=moment)
    old = article_request(spider, "/en/finance/old-story", published=datetime(2025, 5, 31, tzinfo=timezone.utc))
    russian = spider.article_request("https://report.az/ru/finansy/russkaya-novost", "feed")
    offsite = spider.article_request("https://kz.kursiv.media/en/2025-11-18/ai-law-signed/", "listing")
    stored = frontier._stored([same.url, newer.url])
    assert [frontier._judge(r, stored) for r in (same, fresh, again, old, russian, offsite)] == [
        "stored", None, "duplicate", "before-window", "other-edition", "offsite"]
    assert frontier._judge(newer, stored) is None and newer.meta["lw_refetch"] is True


def test_frontier_stops_paging_when_a_page_holds_nothing_new(frontier):
    spider, store = frontier.spider, frontier.context.store
    urls = [f"https://report.az/en/finance/story-{i}" for i in range(3)]
    store.upsert([Article(url=u, title=f"Story {i}", body="Body.") for i, u in enumerate(urls)])
    listing = "https://report.az/en/news-feed/?page=2"
    response = HtmlResponse(url=listing, body=b"<html></html>", request=Request(listing, meta={
        "lw_kind": "listing", "lw_chain": "https://report.az/en/news-feed/", "lw_page_no": 2}))
    old = spider.article_request("https://report.az/en/finance/older-story", "listing", datetime(2025, 1, 5, tzinfo=timezone.utc))
    known = [spider.article_request(u, "listing") for u in urls] + [old]
    next_page = spider.listing_request("https://report.az/en/news-feed/?page=3", "https://report.az/en/news-feed/", 3)
    assert run_output(frontier, response, known + [next_page]) == []
    assert frontier.crawler.stats.get_value("lexwatch/pagination_stopped") == 1
    with_new = [spider.article_request("https://report.az/en/finance/brand-new", "listing"), next_page]
    out = run_output(frontier, response, with_new)
    assert [r.url for r in out] == ["https://report.az/en/finance/brand-new", next_page.url]
    assert [p["url"] for p in frontier.context.state.open_pages("report", 3)] == [next_page.url]
    assert [r["url"] for r in frontier.context.state.pending("report", 3)] == ["https://report.az/en/finance/brand-new"]


def _retry_middleware(**settings):
    crawler = get_crawler(ReportSpider, {"RETRY_TIMES": 2, "LEXWATCH_RETRY_AFTER_MAX": 30, **settings})
    crawler.spider = crawler._create_spider()
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    return crawler, middleware


def test_retry_after_values():
    now = datetime(2026, 3, 12, 10, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Thu, 12 Mar 2026 10:01:30 GMT", now) == 90
    assert retry_after_seconds("Thu, 12 Mar 2026 09:00:00 GMT", now) == 0
    assert retry_after_seconds(b"later") is None and retry_after_seconds(None) is None


def test_retry_after_longer_than_the_limit_gives_the_page_up_for_this_run():
    crawler, middleware = _retry_middleware()
    request = Request("https://report.az/en/x/y-z")
    response = Response(request.url, status=503, headers={"Retry-After": "3600"}, request=request)
    assert asyncio.run(middleware.process_response(request, response)) is response
    assert crawler.stats.get_value("lexwatch/retry_after_too_long") == 1


def test_errors_without_retry_after_are_retried_at_once_and_boundedly():
    crawler, middleware = _retry_middleware()
    request = Request("https://report.az/en/x/y-z")
    for attempt in (1, 2):
        retry = asyncio.run(middleware.process_response(request, Response(request.url, status=500, request=request)))
        assert isinstance(retry, Request) and retry.meta["retry_times"] == attempt
        request = retry
    final = Response(request.url, status=500, request=request)
    assert asyncio.run(middleware.process_response(request, final)) is final


def test_warc_roundtrip_and_a_truncated_file(tmp_path):
    writer = RotatingWarcWriter(tmp_path, "lexwatch-test", max_bytes=1)   # rotate after every page
    body = "<html><body><p>Дипфейк — süni intellekt</p></body></html>".encode()
    for i in range(3):
        writer.write(f"https://report.az/en/x/story-{i}", 200,
                     [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
                     body, [("User-Agent", "lexwatch")], "2026-03-12T10:00:00+00:00",
                     {"outlet": "report", "site": "report", "edition": "en"})
    writer.close()
    assert len(writer.files) == 3
    captured = list(read_responses(tmp_path))
    assert [c.url for c in captured] == [f"https://report.az/en/x/story-{i}" for i in range(3)]
    first = captured[0]
    assert (first.body, first.status, first.outlet, first.edition) == (body, 200, "report", "en")
    assert first.fetched_at == "2026-03-12T10:00:00+00:00" and first.content_type == "text/html; charset=utf-8"
    last = writer.files[-1]
    last.write_bytes(last.read_bytes()[:len(last.read_bytes()) // 2])   # a crawl killed mid-record
    problems: list[str] = []
    assert len(list(read_responses(tmp_path, problems))) == 2 and len(problems) == 1
    with gzip.open(writer.files[0], "rb") as fh:
        raw = fh.read()
    assert b"WARC-Type: request" in raw and b"Content-Encoding" not in raw


def test_jobdir_guard_discards_the_queue_a_killed_crawl_left(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "requests.queue").mkdir()
    (tmp_path / "requests.queue" / "active.json").write_text("{}")
    (tmp_path / "requests.seen").write_text("abc\n")
    (tmp_path / MARK).write_text(str(dead.pid))
    JobdirGuard(tmp_path)
    assert not (tmp_path / "requests.queue").exists() and not (tmp_path / "requests.seen").exists()
    assert (tmp_path / MARK).read_text() == str(os.getpid())


def test_jobdir_guard_keeps_the_queue_of_a_clean_stop_and_refuses_a_live_owner(tmp_path):
    (tmp_path / "requests.seen").write_text("abc\n")
    JobdirGuard(tmp_path)
    assert (tmp_path / "requests.seen").exists()
    (tmp_path / MARK).write_text(str(os.getppid()))
    with pytest.raises(RuntimeError):
        JobdirGuard(tmp_path)


def _robots_waiters(middleware_cls) -> list[str]:
    """Four requests for one host arrive while its robots.txt is still downloading."""
    from types import SimpleNamespace

    from scrapy.http import TextResponse

    crawler = get_crawler(ReportSpider, {"ROBOTSTXT_OBEY": True})
    crawler.spider = crawler._create_spider()
    middleware = middleware_cls.from_crawler(crawler)

    async def main():
        arrived = asyncio.Event()

        async def download_async(request):
            await arrived.wait()
            return TextResponse(request.url, body=b"User-agent: *\nDisallow: /en/sponsored/\n")

        crawler.engine = SimpleNamespace(download_async=download_async)
        requests = [Request(f"https://report.az/en/sponsored/ad-{i}") for i in range(3)]
        requests.append(Request("https://report.az/en/ict/allowed-story"))
        waiting = [asyncio.ensure_future(middleware.process_request(r)) for r in requests]
        await asyncio.sleep(0.01)
        arrived.set()
        return await asyncio.gather(*waiting, return_exceptions=True)

    return [type(result).__name__ for result in asyncio.run(main())]


def test_every_request_waiting_for_robots_txt_is_checked():
    from lexwatch.crawler.middlewares.robots import SharedRobotsTxtMiddleware
    assert _robots_waiters(SharedRobotsTxtMiddleware) == ["IgnoreRequest"] * 3 + ["NoneType"]


def test_scrapys_own_robots_middleware_still_lets_waiters_through():
    """Why crawler.middlewares.robots exists; when this fails, Scrapy is fixed and it can go."""
    from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
    assert _robots_waiters(RobotsTxtMiddleware).count("IgnoreRequest") < 3
