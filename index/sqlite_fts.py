"""Counts, date-sorted pages and timelines of the embedded store for queries FTS5 answers whole: text,
facet words (index/facet_terms.py) and local-day bounds as rowid ranges (index/time_keys.py).

Why this path: FTS5 counts and walks its matches inside its own index at ~0.07 µs a match, while each
row it hands to SQL costs ~0.7 µs more (1M articles, 125k matches: 17 vs 87 ms), so nothing here
reads a row per match except where a split needs each match's facet.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable

from lexwatch.index import time_keys
from lexwatch.index.store import Filters, parse_bound
from lexwatch.index.timebuckets import bucket_start, bucket_starts

Fetch = Callable[[str, list[Any]], list[tuple]]

# Above this many buckets a timeline reads every match's key once instead of counting bucket by bucket.
MAX_BUCKET_PROBES = 400
READ_CHUNK = 10_000   # rowids per IN list, below SQLite's limit on bound parameters
SPLIT_PREFIXES = {"language": "l", "outlet": "o", "stage": "s"}


@dataclass
class FtsQuery:
    expression: str
    low: int          # smallest key that may match (inclusive)
    high: int | None  # first key past the matches (exclusive), None for no end

    @classmethod
    def of(cls, expression: str, filters: Filters) -> "FtsQuery":
        low, high = 0, None
        if filters.date_from or filters.date_to:   # a date bound leaves out undated articles
            low = time_keys.DATED_START
        if filters.date_from:
            low = time_keys.day_floor(parse_bound(filters.date_from))
        if filters.date_to and (last := parse_bound(filters.date_to)) < date.max:   # 9999-12-31: no end
            high = time_keys.day_floor(last + timedelta(days=1))
        return cls(expression, low, high)

    def narrowed(self, extra: str | None = None, low: int = 0, high: int | None = None) -> "FtsQuery":
        ends = [h for h in (self.high, high) if h is not None]
        return FtsQuery(f"({self.expression}) AND ({extra})" if extra else self.expression,
                        max(self.low, low), min(ends) if ends else None)

    def sql(self, select: str, tail: str = "") -> tuple[str, list[Any]]:
        where, params = " WHERE articles_fts MATCH ? AND rowid >= ?", [self.expression, self.low]
        if self.high is not None:
            where, params = where + " AND rowid < ?", params + [self.high]
        return f"SELECT {select} FROM articles_fts{where}{tail}", params


def count(fetch: Fetch, q: FtsQuery) -> int:
    return fetch(*q.sql("count(*)"))[0][0]


def rowids(fetch: Fetch, q: FtsQuery, descending: bool = False, limit: int | None = None) -> list[int]:
    tail = " ORDER BY rowid DESC" if descending else ""
    sql, params = q.sql("rowid", tail + (" LIMIT ?" if limit is not None else ""))
    return [r[0] for r in fetch(sql, params + ([limit] if limit is not None else []))]


def page_rowids(fetch: Fetch, q: FtsQuery, wanted: int) -> list[int]:
    """The article rowids of the first `wanted` matches by publication time, newest first, ties and
    undated articles by id.

    The descending key walk goes day by day, but a local day can lead another one in UTC by up to
    SLACK_DAYS, and within a day keys follow insertion; so every match down to SLACK_DAYS below the
    last day walked is a candidate, and the candidates are ordered by their stored timestamps and ids."""
    first = rowids(fetch, q, descending=True, limit=wanted)
    candidates = first
    if len(first) == wanted:
        last_day = time_keys.day_of(first[-1])
        floor = time_keys.day_floor(last_day - timedelta(days=time_keys.SLACK_DAYS)) \
            if last_day and last_day.toordinal() > time_keys.SLACK_DAYS else 0
        candidates = rowids(fetch, q.narrowed(low=floor), descending=True)
    rows = []
    for i in range(0, len(candidates), READ_CHUNK):
        part = candidates[i:i + READ_CHUNK]
        rows += fetch(f"SELECT a.rowid, a.published_ts, a.id FROM article_keys k JOIN articles a "
                      f"ON a.rowid = k.article_rowid WHERE k.key IN ({','.join('?' * len(part))})", part)
    rows.sort(key=lambda r: (r[1] is None, -(r[1] or 0.0), r[2]))
    return [r[0] for r in rows[:wanted]]   # article rowids


def _bucket_counts(fetch: Fetch, q: FtsQuery, starts: list[date], interval: str) -> Counter:
    """Matches per bucket: one range count per bucket, or, with very many buckets, every match's key."""
    if len(starts) > MAX_BUCKET_PROBES:
        return _keys_by_bucket(fetch, q, interval)
    counts: Counter = Counter()
    for start, following in zip(starts, starts[1:] + [None]):   # the last bucket runs to the end (year 9999)
        n = count(fetch, q.narrowed(low=time_keys.day_floor(start),
                                    high=time_keys.day_floor(following) if following else None))
        if n:
            counts[start] = n
    return counts


def _keys_by_bucket(fetch: Fetch, q: FtsQuery, interval: str) -> Counter:
    buckets: dict[int, date] = {}   # key's day -> bucket start, computed once per day
    counts: Counter = Counter()
    for key in rowids(fetch, q):
        day = key >> time_keys.SEQUENCE_BITS
        if day not in buckets:
            buckets[day] = bucket_start(time_keys.day_of(key), interval)
        counts[buckets[day]] += 1
    return counts


def timeline(fetch: Fetch, q: FtsQuery, interval: str, split: str | None,
             split_values: Callable[[str], list[tuple[str, str]]]) -> list[dict[str, Any]]:
    """Buckets as the Store contract gives them. split_values(split) lists (label, facet word) pairs
    to count apart, e.g. ("KZ", "j4b5a") for every stored country code."""
    dated = q.narrowed(low=time_keys.DATED_START)
    ends = rowids(fetch, dated, limit=1) + rowids(fetch, dated, descending=True, limit=1)
    if not ends:
        return []
    starts = bucket_starts([bucket_start(time_keys.day_of(k), interval) for k in ends], interval)
    totals = _bucket_counts(fetch, dated, starts, interval)
    per_value: dict[date, dict[str, int]] = {}
    if split:
        for label, facet_word in split_values(split):
            for start, n in _keys_by_bucket(fetch, dated.narrowed(f'facets : "{facet_word}"'), interval).items():
                per_value.setdefault(start, {})[label] = n
    return [{"start": s.isoformat(), "total": totals.get(s, 0), "counts": per_value.get(s, {})} for s in starts]
