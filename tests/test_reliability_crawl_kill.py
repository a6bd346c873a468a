"""A crawler SIGKILLed while Elasticsearch is away and its articles pile up in the spool, then
restarted once ES answers: nothing lost, nothing twice, nothing fetched again that the spool held.
(A kill with the store up is tests/test_crawl_resume.py.)"""
from __future__ import annotations

import socket
import sqlite3
import subprocess
import time
from collections import Counter

import pytest

from lexwatch.crawler.replicas import start_replicas
from lexwatch.crawler.run import REPLICA_SETTINGS, child_env, crawl, crawl_command
from lexwatch.crawler.spool import spool_path_for
from lexwatch.index.es_store import ElasticsearchStore
from lexwatch.urls import canonical_url


def spooled(path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM spool").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.es
def test_killed_while_spooling_then_restarted_when_es_is_back(es_store, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/lexwatch"      # nothing answers there
    store = es_store()
    state = tmp_path / "crawl-state.db"
    spool = spool_path_for(state)
    slow = {**REPLICA_SETTINGS, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 0.1,
            "LEXWATCH_STORE_BATCH": 3, "LEXWATCH_STATE_PATH": str(state)}
    with start_replicas(outlets=["kazinform"]) as replicas:
        expected = {canonical_url(e["url"]) for e in replicas.expected_articles("kazinform")}
        article_paths = {e["path"] for e in replicas.manifest("kazinform")}
        child = subprocess.Popen(crawl_command(["kazinform"], store_url=dead, base_urls=replicas.base_urls,
                                               settings=slow, log_file=str(tmp_path / "first.log")), env=child_env())
        deadline = time.monotonic() + 180
        while spooled(spool) < 6:
            assert child.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        child.kill()
        child.wait()
        at_kill = spooled(spool)
        assert 0 < at_kill < len(expected)

        replicas.reset()
        stats = crawl(["kazinform"], store_url=store.url, base_urls=replicas.base_urls,
                      settings={**REPLICA_SETTINGS, "LEXWATCH_STATE_PATH": str(state)})["outlets"]["kazinform"]
        second_run = [h.path for h in replicas.hits() if h.status == 200 and h.path in article_paths]
    with ElasticsearchStore(store.url) as reader:
        stored = Counter(a.canonical_url for a in reader.iterate())
    assert set(stored) == expected and set(stored.values()) == {1}
    assert stats["spool_replayed"] == at_kill and stats["spool_left"] == 0 and spooled(spool) == 0
    assert len(second_run) == len(set(second_run)) == len(expected) - at_kill   # the spool's were not refetched
    assert "articles go to the spool" in (tmp_path / "first.log").read_text()
