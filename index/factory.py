"""The store factory: which Store implementation a store URL means.

Kept apart from index/store.py so that the interface imports none of its implementations (they import
it); the implementations load lazily, so an SQLite user never imports the Elasticsearch client.
"""
from __future__ import annotations

from lexwatch.index.store import Store, StoreError, resolve_store_url


def open_store(url: str | None = None) -> Store:
    """sqlite:///path.db (default) or http(s)://host:9200[/alias] for Elasticsearch."""
    url = resolve_store_url(url)
    if url.startswith("sqlite:"):
        from lexwatch.index.sqlite_store import SqliteStore
        return SqliteStore(url)
    if url.startswith(("http://", "https://")):
        from lexwatch.index.es_store import ElasticsearchStore
        return ElasticsearchStore(url)
    raise StoreError(f"store URL {url!r} is neither sqlite:///path.db nor http(s)://host:9200")
