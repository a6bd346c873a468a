"""The embedded store's rowids are time keys: the article's local publication day, then its UTC second,
then a sequence number; undated articles get the keys below every day.

Why: FTS5 walks its matches in rowid order and seeks rowid ranges inside its own index. So the newest
matches are the first rows of a descending walk, and a day, month or year of matches is a rowid range
FTS5 counts without handing rows to SQL (1M articles: a broad query's page and its monthly timeline
no longer visit every match). The local day leads because timelines bucket by it (index/timebuckets.py);
the UTC second follows, so the rowid order is the publication order except across offsets near
midnight, which a date-sorted page corrects within SLACK_DAYS (see sqlite_fts.page_rowids).
"""
from __future__ import annotations

import sqlite3
from datetime import date

DAY_SHIFT = 40
SECOND_SHIFT = 20
SEQUENCE_SPAN = 1 << SECOND_SHIFT   # articles sharing one local day and UTC second
SLACK_DAYS = 2                      # UTC offsets span -12..+14 h: a local day is within 2 days of UTC
DATED_START = 1 << DAY_SHIFT        # keys below are undated articles
_EPOCH = date(1970, 1, 1).toordinal()
_WINDOW = 2 * SLACK_DAYS * 86400    # seconds a local day's articles can span in UTC, with slack


def day_floor(day: date) -> int:
    """The smallest key of a local day."""
    return day.toordinal() << DAY_SHIFT


def prefix(published_day: str | None, published_ts: float | None) -> int:
    """An article's key without its sequence number (0 for undated articles)."""
    if published_day is None or published_ts is None:
        return 0
    ordinal = date.fromisoformat(published_day).toordinal()
    second = int(published_ts // 1) - (ordinal - _EPOCH) * 86400 + SLACK_DAYS * 86400
    if not 0 <= second < _WINDOW:
        raise ValueError(f"published_day {published_day} is more than {SLACK_DAYS} days from its timestamp")
    return (ordinal << DAY_SHIFT) | (second << SECOND_SHIFT)


def prefix_of(key: int) -> int:
    return key & ~(SEQUENCE_SPAN - 1) if key >= DATED_START else 0


def day_of(key: int) -> date | None:
    return date.fromordinal(key >> DAY_SHIFT) if key >= DATED_START else None


def second_of(key: int) -> int | None:
    """The UTC second (floor of published_ts) a dated key was made from."""
    if key < DATED_START:
        return None
    ordinal = key >> DAY_SHIFT
    window = (key >> SECOND_SHIFT) & (SEQUENCE_SPAN - 1)
    return (ordinal - _EPOCH) * 86400 - SLACK_DAYS * 86400 + window


def _span(start: int) -> int:
    return SEQUENCE_SPAN if start else DATED_START


class Allocator:
    """Hands out free keys for new articles: the next sequence number after the largest key stored
    under the same prefix (looked up once per prefix, then counted on in memory)."""

    def __init__(self, db: sqlite3.Connection | None) -> None:
        self.db = db
        self.next: dict[int, int] = {}

    def key(self, start: int) -> int:
        if start not in self.next:
            stored = self.db.execute("SELECT max(rowid) FROM articles WHERE rowid >= ? AND rowid < ?",
                                     (start, start + _span(start))).fetchone()[0] if self.db else None
            self.next[start] = max(start + 1, (stored or 0) + 1)   # 0 is never a key
        key = self.next[start]
        if key >= start + _span(start):
            raise ValueError("too many articles share one publication second")
        self.next[start] = key + 1
        return key
