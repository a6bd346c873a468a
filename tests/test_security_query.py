"""What a user types never reaches Elasticsearch (or FTS5) as query syntax: DSL-looking JSON, Lucene
and FTS5 operators, regexes, wildcards, SQL, huge and deeply nested queries are words or a clear
QueryError on both stores. Result windows and aggregation sizes are capped; hostile dates cannot
make a timeline of millions of buckets."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lexwatch.index.es_query import build_query
from lexwatch.index.query import MAX_TERMS, parse_query
from lexwatch.index.store import MAX_PAGE_SIZE, MAX_RESULT_WINDOW, Filters, QueryError
from lexwatch.article import Article
from tests.corpus import corpus

HOSTILE = [
    '{"query": {"match_all": {}}}',
    '{"script": {"source": "ctx._source.title = \'pwned\'", "lang": "painless"}}',
    '{"query_string": {"query": "*"}}',
    'title:* OR body:deepfake^100 AND _exists_:id',
    '_id:* OR id:[* TO *]',
    "/.*/", "/[a-z]+dipfeyk.*/", "*", "?", "*:*", "dipf*", "de?pfake", "deepfake~2", "deepfake^10",
    '"unbalanced phrase', 'a "b" "', "\\", "\\\\\\\"", "OR", "OR OR OR", "-", "--", "- -x", "-*",
    "NEAR(deepfake law, 3)", "lemmas : дипфейк", "articles_fts MATCH 'x'", "{lemmas}: x",
    "'; DROP TABLE articles; --", '" OR 1=1 --', "x' UNION SELECT doc FROM articles --",
    "\x00deepfake\x00", "\u202edeepfake\u202c", "дипфейк\u0301", "🤖 deepfake 🤖", "<script>alert(1)</script>",
    "(" * 10_000 + "deepfake" + ")" * 10_000,
    "[" * 5000 + "]" * 5000,
    "deepfake " + "x" * 1_000_000,
    " ".join(["-deepfake"] * (MAX_TERMS + 1)),
    " OR ".join(f"word{i}" for i in range(MAX_TERMS + 1)),
    '"' + " ".join(["deepfake"] * 2000) + '"',
]
FORBIDDEN = {"query_string", "simple_query_string", "script", "script_score", "wrapper", "regexp", "wildcard",
             "prefix", "fuzzy", "more_like_this", "percolate", "function_score", "intervals"}


def dsl_leaves(node):
    """(key, value) of every leaf of a query tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            assert key not in FORBIDDEN, key
            if isinstance(value, (dict, list)):
                yield from dsl_leaves(value)
            else:
                yield key, value
    elif isinstance(node, list):
        for value in node:
            yield from dsl_leaves(value)


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_query_becomes_words_or_a_clear_error_in_the_dsl(text):
    try:
        tree = build_query(text, Filters(languages=["ru"]))
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for key, value in dsl_leaves(tree):
        if key in ("term", "lemmas", "query") and isinstance(value, str):
            # lemma keys only: letters and digits, spaces between the words of a phrase
            assert re.fullmatch(r"[\w ]*", value) and not re.search(r"[*?~^:\\{}\[\]()\"']", value), value
    assert len(json.dumps(tree)) < 200_000


@pytest.fixture
def filled(store):
    store.upsert(corpus())
    return store


def outcome(store, text):
    """What a user sees: the matching ids and the timeline's totals, or the QueryError's message."""
    try:
        result = store.search(text, size=MAX_PAGE_SIZE)
        timeline = store.timeline(text, interval="year")
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return "QueryError"
    assert store.count(text) == result.total == len(result.hits)
    assert sum(b["total"] for b in timeline.buckets) <= result.total
    return sorted(h.article.id for h in result.hits)


@pytest.fixture(scope="module")
def both_stores(tmp_path_factory, es_url):
    import uuid
    from lexwatch.index.es_store import ElasticsearchStore
    from lexwatch.index.sqlite_store import SqliteStore
    sqlite = SqliteStore(f"sqlite:///{tmp_path_factory.mktemp('security')}/lexwatch.db")
    es = ElasticsearchStore(f"{es_url}/lexwatch-test-security-{uuid.uuid4().hex[:8]}")
    for store in (sqlite, es):
        store.upsert(corpus())
    yield sqlite, es
    es.drop()
    es.close()
    sqlite.close()


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_query_is_words_or_a_query_error_on_sqlite(sqlite_store, text):
    sqlite_store.upsert(corpus())
    found = outcome(sqlite_store, text)
    if found != "QueryError" and parse_query(text).empty:
        assert len(found) == len(corpus())        # nothing but punctuation: the empty query


@pytest.mark.es
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_query_gives_the_same_answer_on_both_stores(both_stores, text):
    sqlite, es = both_stores
    assert outcome(es, text) == outcome(sqlite, text)


def test_dsl_looking_json_matches_nothing_it_names(filled):
    assert filled.search('{"query": {"match_all": {}}}').total == 0
    assert filled.search("*:*").total == len(corpus())          # only punctuation: same as an empty query
    assert filled.search("_exists_:id OR title:*").total == 0


def test_store_data_is_untouched_by_hostile_queries(filled):
    before = sorted(a.id for a in filled.iterate())
    for text in HOSTILE:
        try:
            filled.search(text)
        except QueryError:
            pass
    assert sorted(a.id for a in filled.iterate()) == before
    assert filled.get(corpus()[0].id) == corpus()[0]


def test_result_window_and_page_size_are_capped(filled):
    with pytest.raises(QueryError):
        filled.search("", size=MAX_PAGE_SIZE + 1)
    with pytest.raises(QueryError):
        filled.search("", page=MAX_RESULT_WINDOW // MAX_PAGE_SIZE + 1, size=MAX_PAGE_SIZE)
    with pytest.raises(QueryError):
        filled.search("", page=0)
    with pytest.raises(QueryError):
        filled.search("", page=-1, size=-5)
    assert len(filled.search("", page=1, size=MAX_PAGE_SIZE).hits) == len(corpus())


def test_dates_no_one_publishes_cannot_blow_up_a_timeline(store):
    """A page claiming year 1 and one claiming year 9999: a day timeline between them would have
    3.6 million buckets. The store refuses it in one line instead of building it."""
    base = corpus()[0]
    odd = [Article.from_dict(dict(base.to_dict(), url=f"https://report.az/en/x/odd-{i}", canonical_url="", id="",
                                  published_at=when))
           for i, when in enumerate(["0001-01-01T00:00:00+04:00", "9999-12-31T23:00:00+04:00"])]
    store.upsert(corpus() + odd)
    with pytest.raises(QueryError, match="buckets"):
        store.timeline("", interval="day")
    assert len(store.timeline("", interval="year", split="jurisdiction").buckets) == 9999
    narrowed = store.timeline("", filters=Filters(date_from="2025-01-01", date_to="2026-12-31"), interval="day")
    assert 0 < len(narrowed.buckets) <= 731


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.text(max_size=300))
def test_any_text_is_a_result_or_a_query_error_on_sqlite(sqlite_store, text):
    try:
        sqlite_store.search(text)
        sqlite_store.timeline(text)
    except QueryError:
        pass


@FUZZ
@given(st.text(alphabet=st.sampled_from(list('"-*()[]{}:^~?\\/ OR AND NOT NEAR xдə')), max_size=200))
def test_any_operator_soup_builds_a_plain_query(text):
    try:
        tree = build_query(text, None)
    except QueryError:
        return
    list(dsl_leaves(tree))
