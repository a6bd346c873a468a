"""Elasticsearch-only behaviour of index/es_store.py and its es_*.py modules (the shared behaviour is
tests/test_store_contract.py):
the mapping file against the Article record, the versioned index and its alias migration, per-document
bulk errors, analyzers, and one-line errors when the server is not there."""
from __future__ import annotations

import dataclasses
import socket
import subprocess
import sys

import pytest

from lexwatch.index.es_query import build_query
from lexwatch.index.es_documents import DERIVED_FIELDS, mapping_fields, mapping_file, mapping_version
from lexwatch.index.es_store import ElasticsearchStore
from lexwatch.index.store import Filters, StoreError
from lexwatch.article import Article, schema
from tests.corpus import corpus


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the mapping file (no server needed) ------------------------------------------------------
def test_mapping_fields_are_the_article_fields_plus_derived_ones():
    props = mapping_file()["mappings"]["properties"]
    record = {f.name for f in dataclasses.fields(Article)}
    assert set(props) == record | set(DERIVED_FIELDS)
    assert set(props) - set(DERIVED_FIELDS) == set(schema()["properties"])
    deepfake = schema()["properties"]["deepfake"]["properties"]
    assert set(props["deepfake"]["properties"]) == set(deepfake)
    defs = schema()["$defs"]
    penalties = props["deepfake"]["properties"]["penalties"]
    assert penalties["type"] == "nested"
    assert set(penalties["properties"]) == set(defs["penalty"]["properties"])
    assert set(penalties["properties"]["equivalent"]["properties"]) == set(defs["range"]["properties"])
    assert set(props["deepfake"]["properties"]["instruments"]["properties"]) == set(defs["instrument"]["properties"])
    assert mapping_file()["mappings"]["dynamic"] == "strict"


def test_mapping_types_for_filters_dates_and_text():
    props = mapping_file()["mappings"]["properties"]
    deepfake = props["deepfake"]["properties"]
    for name in ("published_at", "modified_at", "fetched_at", "published_day"):
        assert props[name]["type"] == "date"
    for name in ("outlet", "language", "edition", "id", "canonical_url", "content_hash"):
        assert props[name]["type"] == "keyword"
    for name in ("jurisdictions", "stage"):
        assert deepfake[name]["type"] == "keyword"
    assert deepfake["relevant"]["type"] == "boolean"
    assert props["lemmas"] == {"type": "text", "analyzer": "whitespace", "norms": True}
    for text in ("title", "body"):
        assert {props[text]["fields"][lang]["analyzer"] for lang in ("ru", "en", "az")} == {
            "lexwatch_ru", "lexwatch_en", "lexwatch_az"}
    assert mapping_file()["mappings"]["_meta"]["lexwatch_mapping_version"] == mapping_version()


def test_user_text_never_becomes_query_dsl():
    hostile = 'title:x AND body:* OR {"query_string": 1} ^2 ~ "unbalanced \\ / <script>'
    tree = build_query(hostile, Filters(languages=["ru"]))

    def walk(node):
        if isinstance(node, dict):
            assert not {"query_string", "simple_query_string", "script", "wrapper"} & set(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(tree)


def test_bad_urls_are_refused():
    with pytest.raises(StoreError, match="not a valid index alias"):
        ElasticsearchStore("http://127.0.0.1:9200/Bad*Alias")
    with pytest.raises(StoreError, match="not http"):
        ElasticsearchStore("http:///nohost")


def test_unreachable_server_is_one_clear_error():
    url = f"http://127.0.0.1:{_free_port()}"
    store = ElasticsearchStore(url + "/lexwatch", request_timeout=5, max_retries=0)
    for call in (lambda: store.search("дипфейк"), lambda: store.count(), lambda: store.upsert(corpus()[:2]),
                 lambda: list(store.iterate()), lambda: store.timeline(""), lambda: store.get("0" * 24),
                 lambda: store.seen("https://report.az/x")):
        with pytest.raises(StoreError) as err:
            call()
        message = str(err.value)
        assert url in message and "unreachable" in message and "\n" not in message


def test_cli_reports_an_unreachable_server_in_one_line():
    url = f"http://127.0.0.1:{_free_port()}"
    proc = subprocess.run([sys.executable, "-m", "lexwatch.cli", "search", "дипфейк", "--store", url],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and url in proc.stderr and "Traceback" not in proc.stderr


# -- against the server -----------------------------------------------------------------------
@pytest.mark.es
def test_index_is_versioned_behind_the_alias_and_created_lazily(es_store):
    store = es_store()
    assert store.current_index() is None                     # reading creates nothing
    assert store.search("").total == 0 and store.count() == 0
    assert store.current_index() is None
    store.upsert(corpus())
    assert store.current_index() == f"{store.alias}-v{mapping_version()}"
    live = store.es.indices.get_mapping(index=store.alias)[store.current_index()]["mappings"]
    assert mapping_fields(live["properties"]) == mapping_fields(mapping_file()["mappings"]["properties"])
    settings = store.es.indices.get_settings(index=store.alias)[store.current_index()]["settings"]["index"]
    assert settings["number_of_replicas"] == "0"


@pytest.mark.es
def test_migration_copies_everything_and_swaps_the_alias_atomically(es_store):
    store = es_store()
    articles = corpus()
    store.upsert(articles)
    before = {q: [h.article.id for h in store.search(q, size=50).hits] for q in ("", "дипфейк", "cərimə")}
    timeline = store.timeline("", interval="month", split="jurisdiction").to_dict()
    old = store.current_index()

    new = store.migrate()
    assert new == f"{store.alias}-v{mapping_version() + 1}" and store.current_index() == new
    aliases = store.es.indices.get_alias(name=store.alias)
    assert list(aliases) == [new]                              # the alias names exactly one index
    assert not store.es.indices.exists(index=old)
    assert store.count() == len(articles)
    assert {q: [h.article.id for h in store.search(q, size=50).hits] for q in before} == before
    assert store.timeline("", interval="month", split="jurisdiction").to_dict() == timeline
    assert store.get(articles[0].id) == articles[0]
    # Writes after the swap go to the new index; the report still sees stored hashes.
    assert store.upsert(articles).unchanged == len(articles)

    # A second migration that keeps the old index.
    newer = store.migrate(delete_old=False)
    assert store.current_index() == newer and store.es.indices.exists(index=new)
    with pytest.raises(StoreError, match="already"):
        store.migrate(version=int(newer.rsplit("-v", 1)[1]))


@pytest.mark.es
def test_migration_of_an_empty_store_creates_the_alias(es_store):
    store = es_store()
    assert store.migrate(version=3) == f"{store.alias}-v3"
    assert store.current_index() == f"{store.alias}-v3"
    assert store.upsert(corpus()[:2]).created == 2


@pytest.mark.es
def test_bulk_reports_each_failed_document_and_writes_the_rest(es_store):
    store = es_store()
    good = corpus()
    broken = Article.from_dict(dict(good[0].to_dict(), url="https://report.az/x/broken", canonical_url="", id="",
                                    deepfake=dict(good[0].deepfake, score="very high")))
    bad_date = Article.from_dict(dict(good[1].to_dict(), url="https://report.az/x/bad-date", canonical_url="",
                                      id="", published_at="2026-13-45T99:00:00+04:00"))
    report = store.upsert(good + [broken, bad_date])
    assert report.created == len(good) and report.updated == 0
    errors = dict(report.errors)
    assert set(errors) == {broken.id, bad_date.id}
    assert "score" in errors[broken.id] and "parse" in errors[broken.id]
    assert bad_date.url in errors[bad_date.id]
    assert store.count() == len(good) and store.get(broken.id) is None
    # A retry of the same input: good ones unchanged, the broken ones fail again (never "unchanged").
    again = store.upsert(good + [broken])
    assert (again.unchanged, again.created, len(again.errors)) == (len(good), 0, 1)


@pytest.mark.es
def test_duplicates_within_one_batch_count_once(es_store):
    store = es_store()
    a = corpus()[0]
    report = store.upsert([a, a, a])
    assert (report.created, report.updated, report.unchanged) == (1, 0, 2)


@pytest.mark.es
def test_a_long_stream_is_written_in_pipelined_batches_with_one_report(es_store):
    """Over BATCH articles in one call: a repeat across a batch boundary (its first copy still being
    written when the second is checked) is unchanged, a bad document in a later batch is reported
    and the rest written; an iterator that fails mid-stream leaves the batches before it written."""
    from lexwatch.index.es_documents import BATCH
    from lexwatch.bench.synthetic import synthetic_articles
    store = es_store()
    many = list(synthetic_articles(BATCH * 2 + 30, seed=4))
    bad = Article.from_dict(dict(many[0].to_dict(), url="https://report.az/x/late-bad", canonical_url="", id="",
                                 published_at="2026-02-30T10:00:00+04:00"))
    stream = many[:BATCH] + [many[BATCH - 1]] + many[BATCH:] + [bad]
    report = store.upsert(iter(stream))
    assert (report.created, report.updated, report.unchanged) == (len(many), 0, 1)
    assert [i for i, _ in report.errors] == [bad.id]
    assert store.count() == len(many)

    def failing():
        for a in synthetic_articles(BATCH + 10, seed=8):   # other URLs than the first stream's
            yield Article.from_dict(dict(a.to_dict(), url=a.url + "-second", canonical_url="", id=""))
        raise RuntimeError("the caller's source broke")
    with pytest.raises(RuntimeError, match="source broke"):
        store.upsert(failing())
    assert store.count() == len(many) + BATCH   # the first full batch was written, the tail was not


@pytest.mark.es
def test_plain_index_under_the_alias_name_is_refused(es_store, es_url):
    store = es_store()
    store.es.indices.create(index=store.alias)
    try:
        with pytest.raises(StoreError, match="plain index"):
            store.upsert(corpus()[:1])
    finally:
        store.es.indices.delete(index=store.alias)


@pytest.mark.es
def test_language_analyzers_exist_on_the_index(es_store):
    store = es_store()
    store.upsert(corpus()[:1])

    def tokens(analyzer, text):
        resp = store.es.indices.analyze(index=store.alias, analyzer=analyzer, text=text)
        return [t["token"] for t in resp["tokens"]]
    assert tokens("lexwatch_ru", "Штрафы и ЛИШЕНИЕ свободы") == ["штрафы", "лишение", "свободы"]
    assert tokens("lexwatch_en", "The penalties for DEEPFAKES") == ["penalties", "deepfakes"]
    assert tokens("lexwatch_az", "Cərimə və Həbs") == ["cərimə", "həbs"]
    assert tokens("whitespace", "штраф дипфейк") == ["штраф", "дипфейк"]


@pytest.mark.es
def test_iterate_pages_through_many_batches_in_order(es_store):
    store = es_store()
    base = corpus()[0]
    many = [Article.from_dict(dict(base.to_dict(), url=f"https://report.az/x/{i}", canonical_url="", id="",
                                   published_at=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00+04:00"))
            for i in range(1200)]
    assert store.upsert(many).created == 1200
    streamed = [a.id for a in store.iterate(batch_size=250)]
    assert sorted(streamed) == sorted(a.id for a in many) and len(streamed) == 1200
    keys = [(store.get(i).published_at, i) for i in streamed[:50]]
    assert keys == sorted(keys)
    assert store.delete([a.id for a in many[:100]] + ["0" * 24]) == 100
    assert store.count() == 1100


@pytest.mark.es
@pytest.mark.slow
def test_a_server_that_goes_away_mid_stream_is_a_store_error(tmp_path):
    """A second, private node (scripts/es.sh on a free port) is stopped while iterate() reads it."""
    import os
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    port = _free_port()
    env = dict(os.environ, ES_PORT=str(port), ES_HEAP="384m", LEXWATCH_ES_RUN=f"/tmp/lexwatch-es-gone-{port}")
    script = str(root / "scripts" / "es.sh")
    subprocess.run([script, "up"], env=env, check=True, capture_output=True, timeout=300)
    try:
        store = ElasticsearchStore(f"http://127.0.0.1:{port}/gone", request_timeout=5, max_retries=1)
        store.upsert(corpus())
        stream = store.iterate(batch_size=2)
        next(stream)
        subprocess.run([script, "down"], env=env, check=True, capture_output=True, timeout=120)
        with pytest.raises(StoreError) as err:
            for _ in stream:
                pass
        assert f"127.0.0.1:{port}" in str(err.value) and "unreachable" in str(err.value)
        with pytest.raises(StoreError, match="unreachable"):
            store.upsert(corpus())
    finally:
        subprocess.run([script, "down"], env=env, capture_output=True, timeout=120)
        subprocess.run(["rm", "-rf", env["LEXWATCH_ES_RUN"], f"/tmp/lexwatch-es-{port}.lock"])


@pytest.mark.es
def test_writes_without_refresh_are_found_by_realtime_lookups_and_searchable_after_close(es_store):
    """The crawler writes with refresh off: seen()/stored_hashes() must still see every article at
    once, and closing the store makes all of it searchable for the next reader."""
    from lexwatch.index.es_store import ElasticsearchStore
    from tests.corpus import corpus
    writer = ElasticsearchStore(es_store().url)   # the fixture's own object cleans up afterwards
    writer.refresh = False
    articles = corpus()
    writer.upsert(articles)
    assert all(writer.seen(a.url) for a in articles)
    assert len(writer.stored_hashes([a.url for a in articles])) == len(articles)
    writer.close()
    reader = ElasticsearchStore(writer.url)
    assert reader.count() == len(articles)
    assert reader.search("дипфейков").total == 3
