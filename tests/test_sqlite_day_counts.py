"""The embedded store's per-day counts (index/day_counts.py) answer timelines without text; they must
follow every write exactly: inserts, changed articles (new day, stage, relevance, countries), forced
rewrites, deletes, and the migration that builds them for an existing store."""
from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from lexwatch.index import day_counts
from lexwatch.index.sqlite_store import SqliteStore
from lexwatch.index.store import Filters
from lexwatch.article import Article
from lexwatch.bench.synthetic import synthetic_articles

FILTERS = [Filters(), Filters(relevant=True), Filters(relevant=False), Filters(languages=["ru", "en"]),
           Filters(outlets=["kursiv"], date_from="2022-03-01", date_to="2024-06-30"),
           Filters(jurisdictions=["AZ"]), Filters(jurisdictions=["KZ", "UZ"], stages=["adopted", "signed"]),
           Filters(stages=["proposal"], relevant=True, date_to="2023-12-31")]
SPLITS = [None, "jurisdiction", "stage", "language", "outlet"]


def _counts(db: sqlite3.Connection) -> list[tuple]:
    return db.execute("SELECT * FROM day_counts ORDER BY 1, 2, 3, 4, 5, 6").fetchall()


def _assert_counts_are_exact(store: SqliteStore, monkeypatch) -> None:
    kept = _counts(store.db)
    store.db.execute("BEGIN IMMEDIATE")
    day_counts.rebuild(store.db)
    rebuilt = _counts(store.db)
    store.db.execute("ROLLBACK")
    assert kept == rebuilt and all(row[-1] > 0 for row in kept)
    for filters in FILTERS:
        for split in SPLITS:
            from_counts = store.timeline("", filters, interval="month", split=split)
            with monkeypatch.context() as m:
                m.setattr(day_counts, "answers", lambda *_: False)   # the scan of every article
                scanned = store.timeline("", filters, interval="month", split=split)
            assert from_counts.buckets == scanned.buckets, (filters, split)


def _changed(article: Article, i: int) -> Article:
    """Another version of the same URL: new text, and every counted facet moved."""
    tags = dict(article.deepfake)
    if i % 3 == 0:
        tags.update(relevant=not tags.get("relevant"), stage=None if tags.get("stage") else "signed",
                    jurisdictions=[] if tags.get("jurisdictions") else ["AZ", "KZ"])
    elif i % 3 == 1:
        tags.update(relevant=True, stage="adopted", jurisdictions=["UZ", "KZ", "UZ"])
    published = None if i % 7 == 0 else f"2023-0{1 + i % 9}-1{i % 10}T23:30:00+04:00"
    return dataclasses.replace(article, body=article.body + f" changed {i}", content_hash="", deepfake=tags,
                               published_at=published)


def test_counts_follow_every_write(tmp_path, monkeypatch):
    store = SqliteStore(f"sqlite:///{tmp_path / 'c.db'}")
    articles = list(synthetic_articles(700, seed=21))   # more than one 500-article batch
    store.upsert(articles)
    _assert_counts_are_exact(store, monkeypatch)
    report = store.upsert([_changed(a, i) for i, a in enumerate(articles[:240])])
    assert report.updated == 240
    _assert_counts_are_exact(store, monkeypatch)
    assert store.upsert(articles[300:420], replace=True).updated == 120   # forced rewrite, same facets
    assert store.delete([a.id for a in articles[::5]] + ["no-such-id"]) == 140
    _assert_counts_are_exact(store, monkeypatch)
    store.close()


def test_an_older_store_gains_the_counts_when_opened(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    store = SqliteStore(f"sqlite:///{path}")
    store.upsert(synthetic_articles(300, seed=22))
    expected = store.timeline("", Filters(relevant=True), split="jurisdiction").buckets
    store.db.execute("DROP TABLE day_counts")
    store.db.execute("PRAGMA user_version=4")   # as a store written before the counts existed
    store.close()
    reopened = SqliteStore(f"sqlite:///{path}")
    assert reopened.db.execute("PRAGMA user_version").fetchone()[0] >= 5
    assert reopened.timeline("", Filters(relevant=True), split="jurisdiction").buckets == expected
    _assert_counts_are_exact(reopened, monkeypatch)
    reopened.close()


@pytest.mark.parametrize("filters", [Filters(date_from="2024-01-01T10:00:00+05:00"), Filters(fetched_from="2024-01-01"),
                                     Filters(languages=[""])])
def test_what_the_counts_cannot_answer_goes_to_the_articles(filters):
    from lexwatch.index.query import parse_query
    assert not day_counts.answers(parse_query(""), filters)
    assert not day_counts.answers(parse_query("дипфейк"), Filters())
    assert day_counts.answers(parse_query(""), Filters(date_from="2024-01-01", jurisdictions=["KZ"]))
