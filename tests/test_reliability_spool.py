"""Elasticsearch going away mid-crawl, or refusing some documents of a bulk request: the articles go
to the local spool (crawler/spool.py) and are replayed when the store takes them again; afterwards
the index holds exactly the articles crawled. Real crawls of the replicas into real ES nodes: the
shared one (a private alias) and, for the outage, a private node on its own port that is stopped
and started again (never the shared node)."""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from lexwatch.crawler.replicas import start_replicas
from lexwatch.crawler.run import REPLICA_SETTINGS, child_env, crawl, crawl_command
from lexwatch.crawler.spool import spool_path_for
from lexwatch.index.es_store import ElasticsearchStore
from lexwatch.article import article_id
from lexwatch.urls import canonical_url

ROOT = Path(__file__).resolve().parents[1]
FAST = {**REPLICA_SETTINGS, "LEXWATCH_RETRY_AFTER_MAX": 10}


def expected_ids(replicas, outlet: str) -> dict[str, dict]:
    return {article_id(canonical_url(e["url"])): e for e in replicas.expected_articles(outlet)}


def es_ids(url: str) -> set[str]:
    with ElasticsearchStore(url, request_timeout=10, max_retries=1) as store:
        return {a.id for a in store.iterate()}


def searchable_ids(url: str, expected: set[str]) -> set[str]:
    """The articles search finds; when some are missing, the message says whether the index holds
    them (a realtime get) but search does not see them yet, or whether they are not there at all."""
    found = es_ids(url)
    if found != expected:
        with ElasticsearchStore(url, request_timeout=10, max_retries=1) as store:
            docs = store.es.mget(index=store.alias, ids=sorted(expected - found))["docs"]
        held = {d["_id"] for d in docs if d.get("found")}
        raise AssertionError(f"{len(expected - found)} article(s) not found by search: {len(held)} held by the "
                             f"index but not yet visible, {len(expected - found - held)} not stored at all")
    return found


def spool_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT id, attempts, last_error, doc FROM spool")]
    except sqlite3.OperationalError:   # not created yet
        return []


# -- per-document refusals ---------------------------------------------------------------------
@pytest.mark.es
def test_documents_refused_in_a_bulk_request_are_spooled_then_replayed(es_store, tmp_path):
    """The index refuses every document with a nested penalty or instrument (a mapping limit an
    operator set too low): those are spooled, the rest is written; after the fix the next crawl
    replays them without fetching anything again."""
    store = es_store()
    store.ensure_index()
    index = store.current_index()
    store.es.indices.put_settings(index=index, settings={"index.mapping.nested_objects.limit": 0})
    state = tmp_path / "crawl-state.db"
    settings = {**FAST, "LEXWATCH_STATE_PATH": str(state), "LEXWATCH_STORE_BATCH": 5}
    spool = spool_path_for(state)
    with start_replicas(outlets=["kazinform"]) as replicas:
        expected = expected_ids(replicas, "kazinform")
        article_paths = {e["path"] for e in replicas.manifest("kazinform")}
        first = crawl(["kazinform"], store_url=store.url, base_urls=replicas.base_urls, settings=settings,
                      log_file=str(tmp_path / "first.log"))["outlets"]["kazinform"]
        written = es_ids(store.url)
        rows = spool_rows(spool)
        spooled = {r["id"] for r in rows}
        assert spooled and written                                  # a partial failure, not all or nothing
        assert written | spooled == set(expected) and not written & spooled   # nothing lost
        for row in rows:
            deepfake = json.loads(row["doc"])["deepfake"]
            assert deepfake["penalties"] or deepfake["instruments"]
            assert "nested documents" in row["last_error"]
        assert first["spooled"] == len(spooled) == first["spool_left"]
        assert first["articles_stored"] == len(written)
        log = (tmp_path / "first.log").read_text()
        assert "store refused article" in log and f"{len(spooled)} article(s) of kazinform wait in the spool" in log

        store.es.indices.put_settings(index=index, settings={"index.mapping.nested_objects.limit": None})
        replicas.reset()
        second = crawl(["kazinform"], store_url=store.url, base_urls=replicas.base_urls, settings=settings)
        fetched = [h.path for h in replicas.hits() if h.path in article_paths]
    assert es_ids(store.url) == set(expected)                       # exactly the articles crawled
    assert spool_rows(spool) == []
    again = second["outlets"]["kazinform"]
    assert again["spool_replayed"] == len(spooled) and again["spool_left"] == 0
    assert fetched == []                                            # replayed from disk, not refetched
    with ElasticsearchStore(store.url) as reader:
        published = {a.id: a.published_at for a in reader.iterate()}
    assert published == {i: e["published"] for i, e in expected.items()}   # whole records, not stubs


# -- the server goes away and comes back -------------------------------------------------------
def _free_pair() -> int:
    """A free port whose transport neighbour (port + 100, see scripts/es.sh) is free too."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 100 > 65535:
            continue
        with socket.socket() as t:
            try:
                t.bind(("127.0.0.1", port + 100))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port pair")


class PrivateNode:
    """A second Elasticsearch node of its own (scripts/es.sh on a free port, its own data dir)."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = _free_pair()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, ES_PORT=str(self.port), ES_HEAP="384m",
                        LEXWATCH_ES_RUN=f"/tmp/lexwatch-es-spool-{self.port}")
        self.script = str(ROOT / "scripts" / "es.sh")

    def up(self) -> None:
        done = subprocess.run([self.script, "up"], env=self.env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]

    def down(self) -> None:
        subprocess.run([self.script, "down"], env=self.env, capture_output=True, timeout=120)

    def remove(self) -> None:
        self.down()
        subprocess.run(["rm", "-rf", self.env["LEXWATCH_ES_RUN"], f"/tmp/lexwatch-es-{self.port}.lock"])


def hold_requests(replicas) -> threading.Event:
    """A gate in front of the replica servers: while it is clear, every request waits (a stalled
    site), which pins down where in the crawl the store goes away and comes back."""
    gate = threading.Event()
    gate.set()
    for site in replicas.sites.values():
        base = site.server.RequestHandlerClass

        class Held(base):
            def do_GET(self, head: bool = False) -> None:
                gate.wait(timeout=600)
                super().do_GET(head)
        site.server.RequestHandlerClass = Held
    return gate


def wait_for(predicate, what: str, child: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert child.poll() is None, f"the crawl ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def count_or_zero(url: str) -> int:
    try:
        with ElasticsearchStore(url, request_timeout=5, max_retries=0) as store:
            return store.count()
    except Exception:
        return 0


@pytest.mark.es
@pytest.mark.slow
def test_elasticsearch_stopping_mid_crawl_loses_nothing(es_url, tmp_path):
    node = PrivateNode(tmp_path)
    node.up()
    try:
        store_url = f"{node.url}/lexwatch"
        state = tmp_path / "crawl-state.db"
        spool = spool_path_for(state)
        settings = {**FAST, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "LEXWATCH_STORE_BATCH": 3,
                    "LEXWATCH_SPOOL_RETRY": 0, "LEXWATCH_STATE_PATH": str(state), "DOWNLOAD_TIMEOUT": 600}
        result, log = tmp_path / "stats.json", tmp_path / "crawl.log"
        with start_replicas(outlets=["kazinform"]) as replicas:
            expected = expected_ids(replicas, "kazinform")
            gate = hold_requests(replicas)
            child = subprocess.Popen(crawl_command(["kazinform"], store_url=store_url, base_urls=replicas.base_urls,
                                                   settings=settings, log_file=str(log), result_path=str(result)),
                                     env=child_env())
            try:
                wait_for(lambda: count_or_zero(store_url) >= 6, "the first batches were indexed", child)
                gate.clear()                 # the site stalls ...
                node.down()                  # ... while Elasticsearch stops
                gate.set()
                wait_for(lambda: len(spool_rows(spool)) >= 3, "articles were spooled", child)
                gate.clear()
                node.up()                    # Elasticsearch is back (same data directory)
                gate.set()
                assert child.wait(timeout=600) == 0
            finally:
                gate.set()
                if child.poll() is None:
                    child.kill()
        stats = json.loads(result.read_text())["outlets"]["kazinform"]
        assert searchable_ids(store_url, set(expected)) == set(expected)   # exactly the articles crawled
        assert count_or_zero(store_url) == len(expected)
        assert spool_rows(spool) == []
        assert stats["spooled"] >= 3 and stats["spool_replayed"] == stats["spooled"] and stats["spool_left"] == 0
        assert stats["articles_stored"] == len(expected)
        text = log.read_text()
        assert "articles go to the spool and are replayed when it is back" in text
        assert f"the store took {stats['spooled']} spooled article(s) of kazinform" in text
    finally:
        node.remove()
