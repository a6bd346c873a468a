"""What a writer stored is found by search once it says so: `Store.make_searchable`, which a crawl
calls before it returns. Elasticsearch is given no scheduled refresh at all here (refresh_interval
-1), so only the explicit refresh can make the documents visible."""
from __future__ import annotations

import pytest

from lexwatch.crawler.replicas import start_replicas
from lexwatch.crawler.run import REPLICA_SETTINGS, crawl


@pytest.mark.es
def test_writes_with_refresh_off_are_searchable_after_make_searchable(es_store, articles):
    store = es_store(refresh=False)
    store.ensure_index()
    store.es.indices.put_settings(index=store.current_index(), settings={"index.refresh_interval": "-1"})
    store.upsert(articles)
    assert store.count() == 0                       # held, not yet visible: the case being guarded
    store.make_searchable()
    assert store.count() == len(articles)
    assert {a.id for a in store.iterate()} == {a.id for a in articles}


def test_sqlite_writes_are_searchable_at_once(sqlite_store, articles):
    sqlite_store.upsert(articles)
    sqlite_store.make_searchable()
    assert sqlite_store.count() == len(articles)


@pytest.mark.es
def test_a_crawl_returns_with_everything_it_stored_searchable(es_store, tmp_path):
    store = es_store()
    store.ensure_index()
    store.es.indices.put_settings(index=store.current_index(), settings={"index.refresh_interval": "-1"})
    settings = {**REPLICA_SETTINGS, "LEXWATCH_STATE_PATH": str(tmp_path / "state.db"), "LEXWATCH_STORE_BATCH": 3}
    with start_replicas(outlets=["kursiv"]) as replicas:
        stats = crawl(["kursiv"], store_url=store.url, base_urls=replicas.base_urls, settings=settings)
        expected = len(replicas.expected_articles("kursiv"))
    assert stats["stored"] == expected
    assert store.count() == expected                # no refresh after the crawl: it made them visible
