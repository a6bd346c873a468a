"""The Store interface shared by the embedded SQLite store and the Elasticsearch store.

Both implementations pass the same contract tests (tests/test_store_contract.py), so a caller never
needs to know which one it holds. Settings: the store URL (`--store`, LEXWATCH_STORE).
"""
from __future__ import annotations

import os
from pathlib import Path
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Iterator

from lexwatch.article import Article

DEFAULT_STORE = "sqlite:///./data/lexwatch.db"
INTERVALS = ("day", "week", "month", "year")
SPLITS = ("jurisdiction", "stage", "outlet", "language")
SORTS = ("date", "relevance")
MAX_PAGE_SIZE = 500
MAX_RESULT_WINDOW = 10_000  # deeper pages are refused: iterate() is the way to read everything


class StoreError(Exception):
    """A store problem worth one clear line to the user (bad URL, foreign file, server gone)."""


class QueryError(StoreError):
    """The user's query or filters cannot be understood."""


@dataclass
class Filters:
    languages: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    jurisdictions: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    relevant: bool | None = None
    date_from: str | None = None   # YYYY-MM-DD compares with the article's local publication day;
    date_to: str | None = None     # a full ISO datetime compares with the instant. Both inclusive.
    fetched_from: str | None = None  # ISO datetime; articles fetched at or after (alerts use it)

    def __post_init__(self) -> None:
        self.languages = [x.lower() for x in self.languages]
        self.outlets = [x.lower() for x in self.outlets]
        self.jurisdictions = [x.upper() for x in self.jurisdictions]
        for bound in (self.date_from, self.date_to, self.fetched_from):
            if bound is not None:
                parse_bound(bound)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Filters":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        unknown = set(data) - set(known)
        if unknown:
            raise QueryError(f"unknown filter field(s): {', '.join(sorted(unknown))}")
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], "")}


def parse_bound(value: str) -> date | datetime:
    """A date-range bound: a calendar day, or an instant that must carry an offset."""
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"date {value!r} is not YYYY-MM-DD or an ISO 8601 datetime") from None
    if moment.tzinfo is None:
        raise QueryError(f"datetime {value!r} needs an offset such as +04:00")
    return moment


@dataclass
class Hit:
    article: Article
    snippet: str      # body excerpt, query terms wrapped in <mark>…</mark>, everything else escaped
    score: float = 0.0


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    page: int = 1
    size: int = 20

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "page": self.page, "size": self.size,
                "hits": [dict(h.article.to_dict(), snippet=h.snippet) for h in self.hits]}


@dataclass
class Timeline:
    """Date buckets (start day of each, ascending, empty buckets included) and counts per split key."""
    interval: str
    split: str | None
    buckets: list[dict[str, Any]]   # {"start": "2026-01-01", "total": n, "counts": {key: n}}

    def to_dict(self) -> dict[str, Any]:
        return {"interval": self.interval, "split": self.split, "buckets": self.buckets}


@dataclass
class UpsertReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)   # (article id, reason)

    def __iadd__(self, other: "UpsertReport") -> "UpsertReport":
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors.extend(other.errors)
        return self


class Store(ABC):
    """Idempotent by Article.id; an article whose content_hash changed replaces the stored one."""

    url: str

    @abstractmethod
    def upsert(self, articles: Iterable[Article], replace: bool = False) -> UpsertReport:
        """Insert new ids; rewrite stored ones whose content_hash differs (or all, with replace=True,
        which `lexwatch reprocess` uses after the tagger improved); count the rest as unchanged."""

    @abstractmethod
    def get(self, article_id: str) -> Article | None: ...

    @abstractmethod
    def seen(self, url: str) -> bool:
        """True when an article with this URL's canonical form is stored (incremental crawling)."""

    @abstractmethod
    def search(self, query: str = "", filters: Filters | None = None, sort: str = "date",
               page: int = 1, size: int = 20) -> SearchResult: ...

    @abstractmethod
    def timeline(self, query: str = "", filters: Filters | None = None, interval: str = "month",
                 split: str | None = None) -> Timeline: ...

    @abstractmethod
    def iterate(self, query: str = "", filters: Filters | None = None,
                batch_size: int = 1000) -> Iterator[Article]:
        """Every matching article, oldest first, streamed in constant memory."""

    @abstractmethod
    def count(self, query: str = "", filters: Filters | None = None) -> int: ...

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> int: ...

    def stored_hashes(self, urls: Iterable[str]) -> dict[str, str]:
        """canonical_url -> content_hash for the stored ones among `urls` (default: via get)."""
        from lexwatch.article import article_id
        from lexwatch.urls import canonical_url
        out = {}
        for url in urls:
            art = self.get(article_id(canonical_url(url)))
            if art is not None:
                out[art.canonical_url] = art.content_hash
        return out

    def make_searchable(self) -> None:
        """After this returns, every write made so far is found by search, count and iterate; raises
        StoreError when that cannot be ensured. A crawl (and each watch poll) calls it before it
        returns, so whoever reads next sees all it stored. SQLite: a committed write is visible."""

    # -- developments (lexwatch.developments): index/sqlite_developments.py, index/es_developments.py
    @abstractmethod
    def developments_touching(self, article_ids: list[str], blocks: list[str]) -> list[Any]:
        """Developments holding or linking any of `article_ids`, or in any of `blocks`."""

    @abstractmethod
    def replace_developments(self, remove_ids: list[str], developments: list[Any]) -> None: ...

    @abstractmethod
    def list_developments(self, query: Any = None, members: bool = True) -> list[Any]:
        """Developments matching a DevelopmentQuery (all when None), oldest first."""

    @abstractmethod
    def clear_developments(self) -> None: ...

    def close(self) -> None:
        pass

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def batched(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Lists of `size` items (the last one shorter) from any iterable, read lazily."""
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def check_args(sort: str, page: int, size: int) -> None:
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise QueryError(f"page must be >= 1 and size 1..{MAX_PAGE_SIZE}")
    if page * size > MAX_RESULT_WINDOW:
        raise QueryError(f"results beyond {MAX_RESULT_WINDOW} are not paged; narrow the query or use export")


def check_timeline_args(interval: str, split: str | None) -> None:
    if interval not in INTERVALS:
        raise QueryError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
    if split is not None and split not in SPLITS:
        raise QueryError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")


def resolve_store_url(url: str | None = None) -> str:
    """The store a command means: --store, else LEXWATCH_STORE, else the default file."""
    return url or os.environ.get("LEXWATCH_STORE") or DEFAULT_STORE


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite store URL (SQLAlchemy's convention: sqlite:///relative.db,
    sqlite:////absolute.db); None for other stores."""
    if not url.startswith("sqlite:"):
        return None
    path = url.removeprefix("sqlite://").removeprefix("/")
    if not path:
        raise StoreError(f"store URL {url!r} names no file")
    return Path(path)


def store_directory(url: str | None = None) -> Path:
    """Where files that belong with a store live (WARCs, alerts.db, crawl state): beside an SQLite
    file, or ./data for a server store."""
    path = sqlite_path(resolve_store_url(url))
    return path.parent if path else Path("data")
