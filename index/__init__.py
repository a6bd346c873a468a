"""Stores: where analysed Articles live and are searched. `open_store(url)` picks the implementation."""
from lexwatch.index.store import Filters, Hit, SearchResult, Store, StoreError, Timeline, UpsertReport, open_store

__all__ = ["Filters", "Hit", "SearchResult", "Store", "StoreError", "Timeline", "UpsertReport", "open_store"]
