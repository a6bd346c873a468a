"""The embedded store answers most queries inside FTS5 (index/sqlite_fts.py: time-keyed rowids, facet
words). Every answer must equal the one SQL gives by checking each article's columns, which the same
store still uses for what FTS5 cannot express (fetch times, bounds with a time of day); so each
query runs twice, once with FTS5 refused, on dates built to break a rowid order: offsets either side
of midnight, -12:00 and +14:00, ties in one second and within it, undated articles, dates moved by
an update, deletes, and a store migrated from the schema before time keys."""
from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from lexwatch.index import facet_terms, sqlite_fts
from lexwatch.index.sqlite_store import SqliteStore
from lexwatch.index.store import Filters
from lexwatch.article import Article
from lexwatch.bench.stores import QUERIES
from lexwatch.bench.synthetic import synthetic_articles

TRICKY_DATES = [
    "2024-03-01T00:30:00+05:00", "2024-02-29T23:50:00+04:00",   # the later UTC instant has the earlier day
    "2024-03-01T09:59:00+14:00", "2024-02-29T12:00:00-12:00",
    "2024-05-01T10:00:00+04:00", "2024-05-01T10:00:00+04:00", "2024-05-01T10:00:00+04:00",   # ties: by id
    "2024-05-01T10:00:00.700+04:00", "2024-05-01T10:00:00.200+04:00",   # one second, apart within it
    "2024-05-01T06:00:00", None, None, None, "2019-12-31T23:59:59+06:00", "2026-01-01T00:00:00+04:00",
]
EXTRA_QUERIES = [("", Filters()), ("закон", Filters(date_from="2024-02-29", date_to="2024-03-01")),
                 ("-закон", Filters(relevant=False)), ("", Filters(date_to="2024-02-29")),
                 ("", Filters(stages=["adopted", "proposal"], languages=["az", "en"])),
                 ('"уголовный кодекс" OR court', Filters(outlets=["report", "kursiv"])),
                 ("закон", Filters(date_from="0001-01-01", date_to="9999-12-31"))]
SPLITS = [None, "jurisdiction", "stage", "language", "outlet"]


def _corpus(n: int = 900, seed: int = 31) -> list[Article]:
    articles = list(synthetic_articles(n, seed=seed))
    for i, published in enumerate(TRICKY_DATES * 4):   # each tricky date on several articles and facets
        articles[i * 7] = dataclasses.replace(articles[i * 7], published_at=published)
    return articles


def _both(store: SqliteStore, monkeypatch, call):
    fts = call()
    with monkeypatch.context() as m:
        m.setattr(facet_terms, "expressible", lambda _filters: False)
        sql = call()
    return fts, sql


def _assert_same_answers(store: SqliteStore, monkeypatch) -> None:
    for query, filters in QUERIES + EXTRA_QUERIES:
        for page, size in ((1, 20), (2, 20), (1, 100), (7, 3)):
            fts, sql = _both(store, monkeypatch, lambda: store.search(query, filters, page=page, size=size))
            assert fts.total == sql.total, (query, filters)
            assert [h.article.id for h in fts.hits] == [h.article.id for h in sql.hits], (query, filters, page)
        fts, sql = _both(store, monkeypatch, lambda: store.count(query, filters))
        assert fts == sql
    for query, filters in QUERIES[::3] + EXTRA_QUERIES:
        for split in SPLITS:
            for interval in ("month", "day", "week", "year"):
                fts, sql = _both(store, monkeypatch, lambda: store.timeline(query, filters, interval, split))
                assert fts.buckets == sql.buckets, (query, filters, split, interval)


def test_fts_answers_equal_the_column_checks(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_fts, "READ_CHUNK", 7)   # pages read their rows in several IN lists
    store = SqliteStore(f"sqlite:///{tmp_path / 's.db'}")
    articles = _corpus()
    store.upsert(articles)
    _assert_same_answers(store, monkeypatch)
    everything = store.search("", size=100, page=1)
    assert everything.total == len(articles)
    assert everything.hits[0].article.published_at == "2026-01-01T00:00:00+04:00"
    last = store.search("", size=20, page=(len(articles) - 1) // 20 + 1).hits
    assert [h.article.published_at for h in last][-1] is None   # undated last, by id
    store.close()


def test_updates_that_move_an_article_in_time_keep_answers_exact(tmp_path, monkeypatch):
    store = SqliteStore(f"sqlite:///{tmp_path / 's.db'}")
    articles = _corpus(600, seed=32)
    store.upsert(articles)
    moved = [dataclasses.replace(a, published_at=TRICKY_DATES[i % len(TRICKY_DATES)], body=a.body + " moved",
                                 content_hash="") for i, a in enumerate(articles[1:400:3])]
    report = store.upsert(moved)
    assert report.updated == len(moved) and not report.errors
    assert store.delete([a.id for a in articles[401::11]]) == len(articles[401::11])
    assert store.count() == len(articles) - len(articles[401::11])
    for a in moved[:20]:
        assert store.get(a.id).published_at == a.published_at
    _assert_same_answers(store, monkeypatch)
    store.close()


def _as_schema_6(path) -> None:
    """Turn a store back into the layout before time keys: FTS5 rowids are the article rowids, one
    FTS column, no article_keys."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    db.execute("CREATE TABLE lemmas AS SELECT k.article_rowid AS rowid_, f.lemmas FROM articles_fts f "
               "JOIN article_keys k ON k.key = f.rowid")
    db.execute("DROP TABLE articles_fts")
    db.execute("DROP TABLE article_keys")
    db.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(lemmas, tokenize = 'unicode61 remove_diacritics 0')")
    db.execute("INSERT INTO articles_fts(rowid, lemmas) SELECT rowid_, lemmas FROM lemmas")
    db.execute("DROP TABLE lemmas")
    db.execute("PRAGMA user_version=6")
    db.execute("COMMIT")
    db.close()


def test_a_store_from_before_time_keys_gets_them_when_opened(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    store = SqliteStore(f"sqlite:///{path}")
    articles = _corpus(500, seed=33)
    store.upsert(articles)
    before = [store.search(q, f, size=50) for q, f in QUERIES]
    store.close()
    _as_schema_6(path)
    old = sqlite3.connect(path)
    assert old.execute("SELECT max(rowid) FROM articles_fts").fetchone()[0] == len(articles)
    old.close()
    store = SqliteStore(f"sqlite:///{path}")
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == 7
    assert store.db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == len(articles)
    after = [store.search(q, f, size=50) for q, f in QUERIES]
    assert [(r.total, [h.article.id for h in r.hits]) for r in after] == \
        [(r.total, [h.article.id for h in r.hits]) for r in before]
    _assert_same_answers(store, monkeypatch)
    assert store.upsert(articles[:10], replace=True).updated == 10   # writes go on under the new keys
    store.close()


@pytest.mark.parametrize("filters", [Filters(date_from="2024-01-01T10:00:00+05:00"), Filters(fetched_from="2024-01-01"),
                                     Filters(languages=[""])])
def test_what_fts_cannot_express_goes_to_sql(filters):
    assert not facet_terms.expressible(filters)
    assert facet_terms.expressible(Filters(date_from="2024-01-01", jurisdictions=["KZ"], relevant=False))


def test_an_upgrade_the_disk_cannot_hold_is_refused_before_anything_changes(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    store = SqliteStore(f"sqlite:///{path}")
    store.upsert(_corpus(450, seed=34))
    store.close()
    _as_schema_6(path)
    from collections import namedtuple

    from lexwatch.index import sqlite_store
    from lexwatch.index.store import StoreError
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(sqlite_store.shutil, "disk_usage", lambda _p: usage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(StoreError, match=r"old\.db: upgrading this store to schema 7 rebuilds .* GB free .*nothing was changed"):
        SqliteStore(f"sqlite:///{path}")
    old = sqlite3.connect(path)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 6
    assert old.execute("SELECT max(rowid) FROM articles_fts").fetchone()[0] == 450
    assert "article_keys" not in {n for n, in old.execute("SELECT name FROM sqlite_master")}
    old.close()
    monkeypatch.undo()
    assert SqliteStore(f"sqlite:///{path}").count() == 450
