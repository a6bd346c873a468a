"""A crawl killed with SIGKILL and restarted with the same JOBDIR loses nothing and stores nothing
twice; the second run fetches exactly the articles the first one had not stored."""
from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

from lexwatch.crawler.extensions import MARK
from lexwatch.crawler.replicas import start_replicas
from lexwatch.crawler.run import REPLICA_SETTINGS, child_env, crawl, crawl_command
from lexwatch.index.factory import open_store
from lexwatch.urls import canonical_url

FAST = REPLICA_SETTINGS
# The first run is slowed down so that the kill lands in the middle of it.
SLOW = {**FAST, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 0.1, "LEXWATCH_STORE_BATCH": 3}


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:   # tables not created yet
        return 0


def test_killed_crawl_resumes_with_nothing_lost_and_nothing_twice(tmp_path):
    db, jobdir = tmp_path / "lexwatch.db", tmp_path / "job"
    store_url = f"sqlite:///{db}"
    with start_replicas(outlets=["kazinform"]) as replicas:
        expected = {canonical_url(e["url"]) for e in replicas.expected_articles("kazinform")}
        article_paths = {e["path"] for e in replicas.manifest("kazinform")}
        child = subprocess.Popen(crawl_command(["kazinform"], store_url=store_url, base_urls=replicas.base_urls,
                                               jobdir=str(jobdir), settings=SLOW), env=child_env())
        deadline = time.monotonic() + 120
        while stored_count(db) < 6:
            assert child.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        child.kill()   # SIGKILL: no clean shutdown, Scrapy saves nothing
        child.wait()
        at_kill = stored_count(db)
        assert 0 < at_kill < len(expected)
        assert (jobdir / "kazinform" / MARK).exists()

        replicas.reset()
        stats = crawl(["kazinform"], store_url=store_url, base_urls=replicas.base_urls, jobdir=str(jobdir),
                      settings=FAST)
        second_run = [h.path for h in replicas.hits() if h.status == 200 and h.path in article_paths]

    with open_store(store_url) as store:
        stored = [a.canonical_url for a in store.iterate()]
    assert sorted(stored) == sorted(expected)                      # nothing lost, no duplicate record
    assert len(second_run) == len(set(second_run)) == len(expected) - at_kill   # stored ones not fetched again
    assert stats["outlets"]["kazinform"]["articles_stored"] == len(expected) - at_kill
    assert stats["outlets"]["kazinform"]["articles_updated"] == 0
    assert stats["outlets"]["kazinform"]["resumed"]["articles"] > 0   # from the durable frontier, not the 304 feeds
    assert not (jobdir / "kazinform" / MARK).exists()              # a clean end leaves a clean JOBDIR
