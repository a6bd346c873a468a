"""Discovery paths on their own and the date window: dated archives, listings with pagination,
and the pipeline's guard for pages whose discovery carried no publication date."""
from __future__ import annotations

import pytest

from lexwatch.crawler.replicas import start_replicas
from lexwatch.crawler.run import REPLICA_SETTINGS, crawl
from lexwatch.index.factory import open_store
from lexwatch.urls import canonical_url

FAST = {**REPLICA_SETTINGS, "LEXWATCH_RETRY_AFTER_MAX": 10}


def stored(store_url: str) -> set[str]:
    with open_store(store_url) as store:
        return {a.canonical_url for a in store.iterate()}


@pytest.fixture(scope="module")
def replicas():
    with start_replicas() as handle:
        yield handle


def test_window_through_dated_archive_and_listings(replicas, tmp_path):
    since, until = "2026-01-30", "2026-01-31"
    replicas.reset()
    store_url = f"sqlite:///{tmp_path}/window.db"
    crawl(["kazinform"], since=since, until=until, store_url=store_url, base_urls=replicas.base_urls,
          sources=["archive", "listings"], settings=FAST)
    expected = replicas.expected_articles("kazinform", since=since, until=until)
    assert stored(store_url) == {canonical_url(e["url"]) for e in expected}
    assert {e["published"] for e in expected} == {"2026-01-30T17:00:00+05:00", "2026-01-31T23:30:00+05:00"}
    hits = replicas.hits("kazinform")
    for edition in ("ru", "en"):   # kaz.inform.kz (the Kazakh edition) has no dated archive
        for day in ("30.01.2026", "31.01.2026"):
            assert any(h.path == f"/{edition}/archive?date={day}" and h.status == 200 for h in hits)
    articles = {e["path"] for e in replicas.manifest("kazinform")}
    hits += replicas.hits("kazinform-kaz")   # the Kazakh edition's host, read through its listing
    fetched = {h.path for h in hits if h.path in articles and h.status == 200}
    assert fetched == {e["path"] for e in expected}     # dated items outside the window are never fetched


def test_window_edge_keeps_the_2330_story_of_the_last_day(replicas, tmp_path):
    store_url = f"sqlite:///{tmp_path}/edge.db"
    stats = crawl(["report"], since="2025-12-31", until="2025-12-31", store_url=store_url,
                  base_urls=replicas.base_urls, settings=FAST)
    expected = replicas.expected_articles("report", since="2025-12-31", until="2025-12-31")
    assert [e["published"] for e in expected] == ["2025-12-31T23:30:00+04:00"] * 3
    assert stored(store_url) == {canonical_url(e["url"]) for e in expected}
    # monthly sitemaps give no publication date: later pages are fetched, then dropped by their own date
    assert stats["outlets"]["report"]["outside_window"] > 0
    assert stats["outlets"]["report"]["skipped"]["before-window"] > 0   # dated ones never fetched


def test_listings_alone_reach_every_listed_article(replicas, tmp_path):
    replicas.reset()
    store_url = f"sqlite:///{tmp_path}/listings.db"
    crawl(["kursiv"], store_url=store_url, base_urls=replicas.base_urls, sources=["listings"], settings=FAST)
    # uz.kursiv.media/en/ has feeds and sitemaps but no listing
    expected = [e for e in replicas.expected_articles("kursiv") if not (e["site"] == "kursiv-uz" and e["lang"] == "en")]
    assert stored(store_url) == {canonical_url(e["url"]) for e in expected}
    paths = {h.path for h in replicas.hits("kursiv")}
    assert {"/category/finance/page/2/", "/kk/category/society/page/2/", "/en/category/finance/page/2/"} <= paths
    assert not [p for p in paths if "feed" in p or "sitemap" in p]
