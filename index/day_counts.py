"""Articles per day and facet, kept beside the articles in the same transactions, so a timeline
without a text query reads one row per day and facet combination instead of one per article
(1M articles: about 70k rows instead of a million index entries).

A row per (day, relevant, language, outlet, stage, jurisdictions) and its count. The empty string
stands for a missing language, outlet or stage (WITHOUT ROWID keys cannot be NULL); jurisdictions
are the article's sorted country codes as a JSON array, so json_each splits and filters them.
Undated articles are in no timeline and have no row.
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from typing import Any, Iterable

from lexwatch.index import facet_terms
from lexwatch.index.query import ParsedQuery
from lexwatch.index.store import Filters, parse_bound

SCHEMA = """
CREATE TABLE day_counts (
    published_day TEXT NOT NULL, relevant INTEGER NOT NULL, language TEXT NOT NULL, outlet TEXT NOT NULL,
    stage TEXT NOT NULL, jurisdictions TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (published_day, relevant, language, outlet, stage, jurisdictions)
) WITHOUT ROWID
"""
SPLIT_COLUMNS = {"stage": "r.stage", "outlet": "r.outlet", "language": "r.language"}

Key = tuple[str, int, str, str, str, str]


def key(day: str | None, relevant: Any, language: str | None, outlet: str | None, stage: str | None,
        codes: Iterable[str]) -> Key | None:
    if day is None:
        return None
    return (day, int(bool(relevant)), language or "", outlet or "", stage or "",
            json.dumps(sorted(set(codes)), separators=(",", ":")))


def stored_keys(db: sqlite3.Connection, rowids: list[int]) -> dict[int, Key | None]:
    """The current key of each stored article (before it is changed or deleted)."""
    if not rowids:
        return {}
    marks = ",".join("?" * len(rowids))
    codes: dict[int, list[str]] = defaultdict(list)
    for rowid, code in db.execute(f"SELECT article_rowid, code FROM article_jurisdictions "
                                  f"WHERE article_rowid IN ({marks})", rowids):
        codes[rowid].append(code)
    return {rowid: key(day, relevant, language, outlet, stage, codes[rowid])
            for rowid, day, relevant, language, outlet, stage in db.execute(
                f"SELECT rowid, published_day, relevant, language, outlet, stage FROM articles "
                f"WHERE rowid IN ({marks})", rowids)}


def apply(db: sqlite3.Connection, deltas: Counter) -> None:
    """Add the deltas (key -> change in count) inside the caller's transaction."""
    changes = [(*k, n) for k, n in deltas.items() if k is not None and n]
    db.executemany("INSERT INTO day_counts VALUES (?,?,?,?,?,?,?) "
                   "ON CONFLICT DO UPDATE SET n = n + excluded.n", changes)
    db.executemany("DELETE FROM day_counts WHERE published_day=? AND relevant=? AND language=? AND outlet=? "
                   "AND stage=? AND jurisdictions=? AND n <= 0", [c[:6] for c in changes if c[6] < 0])


def rebuild(db: sqlite3.Connection) -> None:
    """Count every stored article again (the migration that adds the table)."""
    codes: dict[int, list[str]] = defaultdict(list)
    for code, rowid in db.execute("SELECT code, article_rowid FROM article_jurisdictions"):
        codes[rowid].append(code)
    deltas: Counter = Counter(
        key(day, relevant, language, outlet, stage, codes.get(rowid, ()))
        for rowid, day, relevant, language, outlet, stage in db.execute(
            "SELECT rowid, published_day, relevant, language, outlet, stage FROM articles "
            "WHERE published_day IS NOT NULL"))
    db.execute("DELETE FROM day_counts")
    apply(db, deltas)


def answers(parsed: ParsedQuery, filters: Filters) -> bool:
    """Whether the counts can answer: no text, and filters the counts hold (facet_terms.expressible:
    day-sized date bounds, nothing on fetch times, no empty value, which the counts' "" would match
    and the articles' NULL would not)."""
    return not (parsed.groups or parsed.negatives) and facet_terms.expressible(filters)


def facet_clauses(alias: str, filters: Filters) -> tuple[list[str], list[Any]]:
    """Conditions on the columns the counts share with the articles table (alias: its name in SQL)."""
    clauses, params = [], []
    for column, values in (("language", filters.languages), ("outlet", filters.outlets),
                           ("stage", filters.stages)):
        if values:
            clauses.append(f"{alias}.{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    if filters.relevant is not None:
        clauses.append(f"{alias}.relevant = ?")
        params.append(int(filters.relevant))
    return clauses, params


def where(filters: Filters) -> tuple[str, list[Any]]:
    clauses, params = facet_clauses("r", filters)
    if filters.jurisdictions:
        clauses.append("EXISTS (SELECT 1 FROM json_each(r.jurisdictions) WHERE value IN "
                       f"({','.join('?' * len(filters.jurisdictions))}))")
        params.extend(filters.jurisdictions)
    for bound, op in ((filters.date_from, ">="), (filters.date_to, "<=")):
        if bound:
            clauses.append(f"r.published_day {op} ?")
            params.append(parse_bound(bound).isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params
