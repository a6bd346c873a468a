"""Calendar buckets on the article's local publication day, the same for both stores.

Why local day: an article published 2026-02-01T00:30+04:00 in Baku is a February story, although
it is still January in UTC; analysts count stories by the date the outlet printed.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable


def published_day(published_at: str | None) -> str | None:
    """YYYY-MM-DD as written in the article's own offset."""
    if not published_at or len(published_at) < 10:
        return None
    day = published_at[:10]
    date.fromisoformat(day)  # raises ValueError on garbage
    return day


def bucket_start(day: date, interval: str) -> date:
    if interval == "day":
        return day
    if interval == "week":   # ISO weeks start on Monday, as Elasticsearch's calendar week does
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_bucket(start: date, interval: str) -> date:
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start.replace(year=start.year + 1)


MAX_BUCKETS = 20_000   # 50 years of days; a page dated year 1 next to one dated 9999 must not cost more


def bucket_count(first: date, last: date, interval: str) -> int:
    if interval == "day":
        return (last - first).days + 1
    if interval == "week":
        return (last - first).days // 7 + 1
    if interval == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def bucket_starts(present: Iterable[date], interval: str) -> list[date]:
    """Every bucket from the first to the last present one, empty ones included. Raises QueryError
    (before building anything) when that would be more than MAX_BUCKETS buckets."""
    present = sorted(present)
    if not present:
        return []
    count = bucket_count(present[0], present[-1], interval)
    if count > MAX_BUCKETS:
        from lexwatch.index.store import QueryError
        raise QueryError(f"a timeline by {interval} from {present[0]} to {present[-1]} would have {count} buckets "
                         f"(at most {MAX_BUCKETS}): choose a longer interval or narrow the dates")
    out, cursor = [], present[0]
    while cursor <= present[-1]:
        out.append(cursor)
        if cursor == present[-1]:
            break           # the last bucket: its successor may not exist (year 9999)
        cursor = next_bucket(cursor, interval)
    return out
