"""Stores: where analysed Articles live and are searched. `open_store(url)` (index/factory.py) picks the
implementation; index/store.py is the interface they share."""
from lexwatch.index.factory import open_store
from lexwatch.index.store import Filters, Hit, SearchResult, Store, StoreError, Timeline, UpsertReport

__all__ = ["Filters", "Hit", "SearchResult", "Store", "StoreError", "Timeline", "UpsertReport", "open_store"]
