"""The shared crawl frontier (crawler/frontier.py) on a real Redis server: crawler processes split
one crawl and fetch each article once; a process killed mid-crawl leaves its work to the others.

Redis is Debian's redis-server (scripts/test.sh installs it when missing), started here on a free
loopback port without persistence. A missing redis-server is a failure, not a skip.
"""
from __future__ import annotations

import json
import subprocess
import time
from collections import Counter

import pytest

from lexwatch.crawler.replicas import start_replicas
from lexwatch.crawler.run import build_settings, child_env, crawl_command
from lexwatch.index.factory import open_store
from lexwatch.urls import canonical_url
from tests.redis_server import free_port, redis_server

QUICK = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
         "LOG_LEVEL": "INFO", "LEXWATCH_RETRY_AFTER_MAX": 5, "LEXWATCH_FRONTIER_HEARTBEAT": 10}
# paced so that neither process can finish the crawl before the other has started (~7 pages/s per
# outlet and process; start-up differs by a few seconds)
PACED = {**QUICK, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 0.15}
# slowed down so that a kill lands mid-crawl: each outlet's crawler fetches ~4 pages/s per process
SLOW = {**QUICK, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 0.25, "LEXWATCH_FRONTIER_HEARTBEAT": 4}


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as port:
        yield f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def redis_client(redis_url):
    import redis
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


# -- settings and serialization (no server) -----------------------------------------------------
def test_without_a_frontier_nothing_changes():
    plain = build_settings("sqlite:///x.db")
    assert plain["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert plain["DUPEFILTER_CLASS"] == "scrapy.dupefilters.RFPDupeFilter"
    assert "lexwatch.crawler.pipelines.store.StorePipeline" in plain.getdict("ITEM_PIPELINES")
    assert "lexwatch.crawler.frontier.SharedFrontierMiddleware" not in plain.getdict("SPIDER_MIDDLEWARES")

    shared = build_settings("sqlite:///x.db", overrides={"LEXWATCH_FRONTIER": "redis://127.0.0.1:6379/0"})
    assert shared["SCHEDULER"] == "lexwatch.crawler.frontier.SharedScheduler"
    assert shared["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert shared["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    pipelines = shared.getdict("ITEM_PIPELINES")
    assert pipelines["lexwatch.crawler.frontier.SharedStorePipeline"] == \
        plain.getdict("ITEM_PIPELINES")["lexwatch.crawler.pipelines.store.StorePipeline"]
    assert "lexwatch.crawler.pipelines.store.StorePipeline" not in pipelines
    middlewares = shared.getdict("SPIDER_MIDDLEWARES")
    assert "lexwatch.crawler.frontier.SharedFrontierMiddleware" in middlewares
    assert "lexwatch.crawler.middlewares.frontier.FrontierMiddleware" in middlewares   # ours only adds


def test_requests_travel_as_json_and_come_back_whole():
    from scrapy import Request
    from scrapy.utils.request import request_from_dict

    from lexwatch.crawler import frontier
    from lexwatch.crawler.spiders.outlets import KursivSpider
    spider = KursivSpider()
    request = Request("http://127.0.0.1:1/2025-07-04/x/", callback=spider.parse_article, priority=10,
                      headers={"If-None-Match": '"abc"'}, body=b"\x00\xff",
                      meta={"lw_kind": "article", "lw_published": "2025-07-04T06:20:00+00:00",
                            "redirect_urls": ["http://a/"], "nested": {"__b": "not bytes"}, "pair": (1, 2)})
    data = frontier.dumps(request.to_dict(spider=spider))
    json.loads(data)    # plain JSON: nothing in Redis is unpickled
    back = request_from_dict(frontier.loads(data), spider=spider)
    assert (back.url, back.body, back.priority, back.callback) == (request.url, b"\x00\xff", 10, spider.parse_article)
    assert back.headers.get("If-None-Match") == b'"abc"'
    assert back.meta == {**request.meta, "pair": [1, 2]}
    with pytest.raises(TypeError):
        frontier.dumps({"meta": {"when": object()}})


def test_cli_refuses_a_frontier_that_is_not_redis_or_not_there(capsys):
    from lexwatch.cli import main
    assert main(["crawl", "--frontier", "http://127.0.0.1:6379", "--store", "sqlite:///unused.db"]) != 0
    err = capsys.readouterr().err.strip()
    assert "--frontier wants redis://" in err and len(err.splitlines()) == 1
    nothing = f"redis://127.0.0.1:{free_port()}/0"
    assert main(["crawl", "--frontier", nothing, "--store", "sqlite:///unused.db"]) != 0
    err = capsys.readouterr().err.strip()
    assert f"crawl frontier {nothing} is not usable" in err and len(err.splitlines()) == 1


# -- real crawls --------------------------------------------------------------------------------
def start_workers(n, replicas, redis_url, store_url, tmp_path, settings):
    procs = []
    for i in range(n):
        worker = {**settings, "LEXWATCH_FRONTIER": redis_url, "USER_AGENT": f"lexwatch-test/worker-{i}",
                  "LEXWATCH_STATE_PATH": str(tmp_path / f"state-{i}.db")}   # one state file per "machine"
        command = crawl_command(None, store_url=store_url, base_urls=replicas.base_urls, settings=worker,
                                log_file=str(tmp_path / f"worker-{i}.log"),
                                result_path=str(tmp_path / f"result-{i}.json"))
        procs.append(subprocess.Popen(command, env=child_env()))
    return procs


def article_fetches(replicas, expected_paths):
    return [h for h in replicas.hits() if h.status == 200 and h.path in expected_paths]


@pytest.mark.slow
@pytest.mark.es
def test_two_processes_split_one_crawl_and_fetch_each_article_once(tmp_path, es_url, es_store, redis_url,
                                                                   redis_client):
    store = es_store()     # the shared store of a scaled-out crawl: Elasticsearch
    store_url = f"{es_url}/{store.alias}"
    with start_replicas() as replicas:
        expected = replicas.expected_articles()
        paths = {e["path"] for e in expected}
        procs = start_workers(2, replicas, redis_url, store_url, tmp_path, PACED)
        codes = [p.wait(timeout=600) for p in procs]
        fetches = article_fetches(replicas, paths)
    assert codes == [0, 0]
    results = [json.loads((tmp_path / f"result-{i}.json").read_text()) for i in range(2)]

    per_path = Counter(h.path for h in fetches)
    assert set(per_path) == paths and set(per_path.values()) == {1}     # every article fetched, once
    per_worker = Counter(h.user_agent for h in fetches)
    assert per_worker["lexwatch-test/worker-0"] > 0 and per_worker["lexwatch-test/worker-1"] > 0
    assert sum(r["totals"]["articles_stored"] for r in results) == len(expected)   # each stored by one
    assert [r["totals"]["articles_updated"] for r in results] == [0, 0]
    assert store.count() == len(expected)
    assert all(store.seen(e["url"]) for e in expected)
    assert redis_client.keys("lexwatch:*") == []    # the last worker out cleared the run


@pytest.mark.slow
def test_a_killed_process_leaves_its_work_to_the_other(tmp_path, redis_url, redis_client):
    db = tmp_path / "lexwatch.db"
    open_store(f"sqlite:///{db}").close()   # the shared store exists before its writers start
    with start_replicas() as replicas:
        expected = replicas.expected_articles()
        paths = {e["path"] for e in expected}
        victim, survivor = start_workers(2, replicas, redis_url, f"sqlite:///{db}", tmp_path, SLOW)
        deadline = time.monotonic() + 300   # two processes load the models first
        while sum(1 for h in article_fetches(replicas, paths) if h.user_agent.endswith("worker-0")) < 8:
            assert victim.poll() is None and survivor.poll() is None, "a crawl ended before the kill"
            assert time.monotonic() < deadline, "worker 0 fetched too little in 300 s"
            time.sleep(0.05)
        victim.kill()      # SIGKILL: downloads in flight and its unwritten store batch die with it
        victim.wait()
        killed_at = time.time()
        assert survivor.wait(timeout=600) == 0
        fetches = article_fetches(replicas, paths)
    result = json.loads((tmp_path / "result-1.json").read_text())
    assert result["totals"]["articles_stored"] > 0

    with open_store(f"sqlite:///{db}") as store:
        stored = [a.canonical_url for a in store.iterate()]
    assert sorted(stored) == sorted(canonical_url(e["url"]) for e in expected)   # all, none twice
    by_victim = {h.path for h in fetches if h.user_agent.endswith("worker-0")}
    refetched = {h.path for h in fetches if h.user_agent.endswith("worker-1") and h.at > killed_at} & by_victim
    assert refetched, "the survivor should have redone some of the killed worker's unfinished articles"
    log = (tmp_path / "worker-1.log").read_text(encoding="utf-8")
    assert "stopped answering" in log and "returned to the queue" in log
    assert redis_client.keys("lexwatch:*") == []
