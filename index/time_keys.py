"""The embedded store's FTS5 rowids are time keys: the article's local publication day, then a
sequence number within the day; undated articles get keys below every day. article_keys maps them to
the article rows, whose own rowids follow insertion (appending big rows is what SQLite does fastest).

Why: FTS5 walks its matches in rowid order and seeks rowid ranges inside its own index. So the newest
matches are among the first rows of a descending walk, and a day, month or year of matches is a rowid
range FTS5 counts without handing rows to SQL. The local day leads because timelines bucket by it
(index/timebuckets.py). Keys stay small and close (17 bits a day) because FTS5 stores the gaps between
rowids: keys with the UTC second in them (2^40 a day) made its lists several times longer and 60k
upserts 1.6x slower. Within a day, and across offsets near midnight, a date-sorted page orders its
candidates by their timestamps (sqlite_fts.page_rowids).
"""
from __future__ import annotations

import sqlite3
from datetime import date

SEQUENCE_BITS = 17                  # 131,072 articles a local day
SLACK_DAYS = 2                      # UTC offsets span -12..+14 h: a local day is within 2 days of UTC
_UNDATED_DAYS = 1 << 10             # room below the first day for 134M undated articles
DATED_START = _UNDATED_DAYS << SEQUENCE_BITS   # keys below are undated articles


def day_floor(day: date) -> int:
    """The smallest key of a local day."""
    return (day.toordinal() + _UNDATED_DAYS) << SEQUENCE_BITS


def prefix(published_day: str | None) -> int:
    """The smallest key an article may get: its day's, or 0 for undated articles."""
    return day_floor(date.fromisoformat(published_day)) if published_day else 0


def prefix_of(key: int) -> int:
    return key >> SEQUENCE_BITS << SEQUENCE_BITS if key >= DATED_START else 0


def day_of(key: int) -> date | None:
    return date.fromordinal((key >> SEQUENCE_BITS) - _UNDATED_DAYS) if key >= DATED_START else None


def _span(start: int) -> int:
    return 1 << SEQUENCE_BITS if start else DATED_START


class Allocator:
    """Hands out free keys for new articles: the next sequence number after the largest key stored
    under the same prefix (looked up once per prefix, then counted on in memory)."""

    def __init__(self, db: sqlite3.Connection | None) -> None:
        self.db = db
        self.next: dict[int, int] = {}

    def key(self, start: int) -> int:
        if start not in self.next:
            stored = self.db.execute("SELECT max(key) FROM article_keys WHERE key >= ? AND key < ?",
                                     (start, start + _span(start))).fetchone()[0] if self.db else None
            self.next[start] = max(start + 1, (stored or 0) + 1)   # 0 is never a key
        key = self.next[start]
        if key >= start + _span(start):
            raise ValueError(f"more than {_span(start) - 1:,} articles on one publication day")
        self.next[start] = key + 1
        return key
