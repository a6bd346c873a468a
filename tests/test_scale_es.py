"""Elasticsearch at scale: the yearly layout of index/es_yearly.py, on one node and on a real
two-node cluster (scripts/es.sh cluster-up, other ports than the suite's node on ES_PORT).

- The Store contract suite (tests/test_store_contract.py) is collected again here with a `store`
  fixture of this module: the yearly layout on the suite's node, and on the cluster with one replica.
- Routing by year, an article whose year changes, undated articles, readers that know no layout,
  migration between the layouts.
- Losing a node of the cluster leaves search, timeline and indexing working (last test: it stops one).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from collections import Counter
from pathlib import Path

import pytest

from lexwatch.index.es_documents import mapping_version
from lexwatch.index.es_store import ElasticsearchStore
from lexwatch.index.store import StoreError
from lexwatch.index.timebuckets import published_day
from lexwatch.article import Article
from tests.conftest_es import _required
from tests.corpus import corpus
from tests.test_store_contract import *  # noqa: F401,F403  (the contract suite, run again here)

ROOT = Path(__file__).resolve().parents[1]
ES_SCRIPT = str(ROOT / "scripts" / "es.sh")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _cluster_base() -> int:
    """A base port whose node ports (base, base+1) and transport ports (+100) are all free."""
    for base in range(9250, 9290, 2):
        if all(_free(p) for p in (base, base + 1, base + 100, base + 101)):
            return base
    raise RuntimeError("no free ports for a test cluster in 9250..9290")


def _node_env(base: int, port: int | None = None) -> dict[str, str]:
    env = dict(os.environ, ES_PORT=str(base), ES_HEAP="512m", LEXWATCH_ES_CLUSTER_RUN=f"/tmp/lexwatch-es-scaletest-{base}")
    if port is not None:   # one node of it, for `es.sh down`
        env.update(ES_PORT=str(port), LEXWATCH_ES_RUN=f"/tmp/lexwatch-es-scaletest-{base}-{port}")
    return env


@pytest.fixture(scope="module")
def es_cluster():
    """Two nodes of one cluster on loopback, each with its own data; stopped and removed afterwards."""
    base = _cluster_base()
    ports = [base, base + 1]
    for port in ports:
        shutil.rmtree(f"/tmp/lexwatch-es-scaletest-{base}-{port}", ignore_errors=True)
    up = subprocess.run([ES_SCRIPT, "cluster-up", "2"], env=_node_env(base), capture_output=True, text=True,
                        timeout=600)
    if up.returncode != 0:
        subprocess.run([ES_SCRIPT, "cluster-down", "2"], env=_node_env(base), capture_output=True, timeout=300)
        message = f"could not start a two-node Elasticsearch cluster: {up.stderr.strip()[-800:]}"
        if _required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        yield {"base": base, "ports": ports, "urls": [f"http://127.0.0.1:{p}" for p in ports]}
    finally:
        subprocess.run([ES_SCRIPT, "cluster-down", "2"], env=_node_env(base), capture_output=True, timeout=300)
        for port in ports:
            shutil.rmtree(f"/tmp/lexwatch-es-scaletest-{base}-{port}", ignore_errors=True)


def cluster_url(cluster) -> str:
    return "http://" + ",".join(u.removeprefix("http://") for u in cluster["urls"])


@pytest.fixture(params=[pytest.param("node", marks=pytest.mark.es),
                        pytest.param("cluster", marks=[pytest.mark.es, pytest.mark.slow])])
def store(request):
    """The contract suite's store: the yearly layout on the suite's node or on the cluster."""
    if request.param == "node":
        url, options = request.getfixturevalue("es_url"), "layout=yearly"
    else:
        url, options = cluster_url(request.getfixturevalue("es_cluster")), "layout=yearly&replicas=1"
    made = ElasticsearchStore(f"{url}/lexwatch-test-{uuid.uuid4().hex[:12]}?{options}")
    yield made
    try:
        made.drop()
    finally:
        made.close()


@pytest.fixture
def yearly(es_url):
    made = []

    def make(options: str = "layout=yearly", alias: str | None = None):
        alias = alias or f"lexwatch-test-{uuid.uuid4().hex[:12]}"
        made.append(ElasticsearchStore(f"{es_url}/{alias}?{options}"))
        return made[-1]
    yield make
    for s in made:
        try:
            s.drop()
        finally:
            s.close()


def index_counts(store) -> dict[str, int]:
    found = store.es.search(index=store.alias, size=0, aggs={"i": {"terms": {"field": "_index", "size": 100}}})
    return {b["key"]: b["doc_count"] for b in found["aggregations"]["i"]["buckets"]}


def expected_indices(store, articles, version=None) -> Counter:
    prefix = f"{store.alias}-v{version or mapping_version()}"
    return Counter(f"{prefix}-{published_day(a.published_at)[:4] if a.published_at else 'undated'}"
                   for a in articles)


# -- no server ----------------------------------------------------------------------------------
def test_store_url_options_are_checked():
    s = ElasticsearchStore("http://127.0.0.1:1,127.0.0.1:2/news?layout=yearly&shards=3&replicas=1")
    assert (s.alias, s.layout, s.index_settings) == ("news", "yearly", {"number_of_shards": 3, "number_of_replicas": 1})
    assert s.base_url == "http://127.0.0.1:1,127.0.0.1:2"
    assert ElasticsearchStore("http://127.0.0.1:1/news").layout == "single"
    for bad in ("?layout=monthly", "?shards=0", "?replicas=x", "?refresh=1"):
        with pytest.raises(StoreError):
            ElasticsearchStore("http://127.0.0.1:1/news" + bad)


# -- the yearly layout on the suite's node -------------------------------------------------------
@pytest.mark.es
def test_articles_land_in_their_years_index_behind_one_alias(yearly):
    store = yearly()
    articles = corpus()
    undated = Article.from_dict(dict(articles[0].to_dict(), url="https://report.az/x/no-date", canonical_url="",
                                     id="", published_at=None))
    assert store.upsert(articles + [undated]).created == len(articles) + 1
    generation = f"{store.alias}-v{mapping_version()}"
    assert store.generation()[:2] == (mapping_version(), "yearly")
    assert store.current_index() == f"{generation}-undated"      # a concrete index, as for one index
    counts = index_counts(store)
    assert counts == dict(expected_indices(store, articles + [undated]))
    assert len(counts) >= 3 and f"{store.alias}-v{mapping_version()}-undated" in counts
    template = store.es.indices.get_index_template(name=generation)["index_templates"][0]
    assert template["index_template"]["index_patterns"] == [f"{generation}-*"]
    assert set(store.behind_alias()) >= set(counts)          # every year index is behind the alias
    assert store.get(undated.id) == undated and store.seen(undated.url)


@pytest.mark.es
def test_an_article_whose_year_changes_moves_and_is_never_stored_twice(yearly):
    store = yearly()
    original = next(a for a in corpus() if a.published_at and a.published_at.startswith("2025"))
    store.upsert([original])
    # a corrected date: content_hash covers the text, not the date, yet the copy must move
    moved = Article.from_dict(dict(original.to_dict(), published_at="2026-01-02T10:00:00+05:00"))
    assert moved.id == original.id
    report = store.upsert([moved])
    assert (report.created, report.updated, report.errors) == (0, 1, [])
    assert index_counts(store) == {f"{store.alias}-v{mapping_version()}-2026": 1}
    assert store.count() == 1 and store.get(original.id).published_at == moved.published_at
    assert [b["start"] for b in store.timeline("", interval="year").buckets] == ["2026-01-01"]
    undated = Article.from_dict(dict(moved.to_dict(), published_at=None))
    store.upsert([undated])
    assert index_counts(store) == {f"{store.alias}-v{mapping_version()}-undated": 1}
    assert store.upsert([undated]).unchanged == 1
    assert store.delete([original.id]) == 1 and store.count() == 0


@pytest.mark.es
def test_a_store_opened_without_the_option_follows_the_layout_on_the_server(yearly, es_url):
    store = yearly()
    articles = corpus()
    store.upsert(articles[:5])
    plain = ElasticsearchStore(f"{es_url}/{store.alias}")        # layout unknown to this writer
    try:
        assert plain.get(articles[0].id) == articles[0] and plain.seen(articles[1].url)
        assert plain.upsert(articles).created == len(articles) - 5
        assert plain.stored_hashes([articles[2].url]) == {articles[2].canonical_url: articles[2].content_hash}
        assert index_counts(store) == dict(expected_indices(store, articles))
    finally:
        plain.close()


@pytest.mark.es
def test_migration_between_the_layouts_keeps_every_answer(yearly):
    store = yearly(options="")                                  # a single-index store
    articles = corpus()
    store.upsert(articles)
    assert store.current_index() == f"{store.alias}-v{mapping_version()}"

    def answers():
        return ({q: [h.article.id for h in store.search(q, size=50).hits] for q in ("", "дипфейк", "cərimə")},
                store.timeline("", interval="month", split="jurisdiction").to_dict(), store.count())
    before = answers()

    gen = store.migrate(layout="yearly")
    assert gen == f"{store.alias}-v{mapping_version() + 1}" and store.generation()[1] == "yearly"
    assert index_counts(store) == dict(expected_indices(store, articles, mapping_version() + 1))
    assert not store.es.indices.exists(index=f"{store.alias}-v{mapping_version()}")
    assert answers() == before
    assert store.upsert(articles).unchanged == len(articles)

    again = store.migrate()                                     # yearly -> yearly, next version
    assert again == f"{store.alias}-v{mapping_version() + 2}" and answers() == before
    assert not store.es.indices.get(index=f"{gen}-*", allow_no_indices=True, ignore_unavailable=True)
    assert not store.es.indices.exists_index_template(name=gen)

    single = store.migrate(layout="single")                     # and back to one index
    assert store.behind_alias() == [single] and answers() == before
    assert not store.es.indices.exists_index_template(name=again)


@pytest.mark.es
def test_an_empty_yearly_store_keeps_its_alias_and_version(yearly, es_url):
    store = yearly()
    assert store.current_index() is None and store.count() == 0     # reading creates nothing
    assert store.migrate(version=5, layout="yearly") == f"{store.alias}-v5"
    assert store.behind_alias() == [f"{store.alias}-v5-undated"]
    other = ElasticsearchStore(f"{es_url}/{store.alias}")              # another writer finds v5
    try:
        assert other.upsert(corpus()[:3]).created == 3
        assert all(i.startswith(f"{store.alias}-v5-") for i in index_counts(store))
    finally:
        other.close()


# -- the cluster ----------------------------------------------------------------------------------
def _master_port(client, cluster) -> int:
    master = client.cluster.state(metric="master_node")["master_node"]
    nodes = client.nodes.info(node_id=master, metric="http")["nodes"]
    address = nodes[master]["http"]["publish_address"]
    return int(address.rsplit(":", 1)[1])


@pytest.mark.es
@pytest.mark.slow
def test_losing_a_node_keeps_search_timeline_and_indexing(es_cluster):
    """One replica: every shard has a copy on both nodes. The node that is not the elected master
    is stopped (with two master-eligible nodes only the master is in the voting configuration; a
    production cluster has three), and the store goes on through the node that is left."""
    store = ElasticsearchStore(f"{cluster_url(es_cluster)}/lexwatch-failover-{uuid.uuid4().hex[:8]}"
                               "?layout=yearly&replicas=1", request_timeout=15, max_retries=3)
    articles = corpus()
    try:
        assert store.upsert(articles).created == len(articles)
        health = store.es.cluster.health(index=f"{store.alias}-*", wait_for_status="green", timeout="60s")
        assert health["status"] == "green" and health["number_of_nodes"] == 2
        shards = store.es.cat.shards(index=f"{store.alias}-*", format="json")
        assert {s["node"] for s in shards} == {f"lexwatch-{p}" for p in es_cluster["ports"]}
        assert Counter(s["prirep"] for s in shards)["r"] == Counter(s["prirep"] for s in shards)["p"]

        query = "дипфейк OR deepfake"
        before = ([h.article.id for h in store.search(query, size=50).hits],
                  store.timeline("", interval="month", split="stage").to_dict(), store.count())

        master = _master_port(store.es, es_cluster)
        victim = next(p for p in es_cluster["ports"] if p != master)
        down = subprocess.run([ES_SCRIPT, "down"], env=_node_env(es_cluster["base"], victim), capture_output=True,
                              text=True, timeout=180)
        assert down.returncode == 0, down.stderr
        health = store.es.cluster.health(wait_for_nodes="1", wait_for_status="yellow", timeout="60s")
        assert health["number_of_nodes"] == 1 and health["status"] == "yellow"   # replicas now primaries

        after = ([h.article.id for h in store.search(query, size=50).hits],
                 store.timeline("", interval="month", split="stage").to_dict(), store.count())
        assert after == before
        assert store.get(articles[0].id) == articles[0]

        fresh = [Article.from_dict(dict(a.to_dict(), url=a.url + "-after", canonical_url="", id="",
                                        published_at=(a.published_at or "2026-01-01T00:00:00+04:00")
                                        .replace("2025", "2027").replace("2026", "2027")))
                 for a in articles[:4]]
        report = store.upsert(fresh)           # includes a year with no index yet: created on one node
        assert (report.created, report.errors) == (4, [])
        assert store.count() == len(articles) + 4
        assert f"{store.alias}-v{mapping_version()}-2027" in store.behind_alias()
        assert store.timeline("", interval="year").buckets[-1] == {"start": "2027-01-01", "total": 4, "counts": {}}
        assert store.delete([fresh[0].id]) == 1
    finally:
        try:
            store.drop()
        finally:
            store.close()
