"""Filter values as words of a second FTS5 column, `facets`, so that FTS5 intersects text, filters and
negations in its own posting lists instead of SQL checking one match at a time.

Words: `all` (every article), `r0`/`r1` (relevance), `l`, `o`, `s` + the hex of the language, outlet,
stage (`lnone`… when missing), `j` + the hex of each country code and `jany` if there is one. Hex keeps
any value one unicode61 token; hex() in SQL writes the same words for the migration (the tokenizer
folds case).
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from lexwatch.index.store import Filters, parse_bound

_PREFIXES = (("l", "language"), ("o", "outlet"), ("s", "stage"))


def word(prefix: str, value: str | None) -> str:
    return prefix + (value.encode().hex() if value else "none")


def document(language: str | None, outlet: str | None, stage: str | None, relevant: bool,
             codes: Iterable[str]) -> str:
    words = ["all", f"r{int(bool(relevant))}", word("l", language), word("o", outlet), word("s", stage)]
    codes = sorted(set(codes))
    if codes:
        words += ["jany"] + [word("j", c) for c in codes]
    return " ".join(words)


def document_sql(alias: str, rowid: str) -> str:
    """document() as an SQL expression over articles `alias` and its jurisdictions by `rowid`."""
    parts = [f"'all r' || {alias}.relevant"] + [
        f"CASE WHEN coalesce({alias}.{column}, '') = '' THEN '{p}none' ELSE '{p}' || hex({alias}.{column}) END"
        for p, column in _PREFIXES]
    codes = (f"coalesce((SELECT ' jany ' || group_concat('j' || hex(code), ' ') FROM article_jurisdictions "
             f"WHERE article_rowid = {rowid}), '')")
    return " || ' ' || ".join(parts) + " || " + codes


def expressible(filters: Filters) -> bool:
    """Whether FTS5 can answer these filters whole: not fetch times, not bounds with a time of day
    (keys hold local days), not empty values (which the columns would compare as '')."""
    if filters.fetched_from:
        return False
    if any(isinstance(parse_bound(b), datetime) for b in (filters.date_from, filters.date_to) if b):
        return False
    return all(all(v for v in values) for values in
               (filters.languages, filters.outlets, filters.stages, filters.jurisdictions))


def _any(words: list[str]) -> str:
    return "facets : (" + " OR ".join(f'"{w}"' for w in words) + ")"


def expression(text: str | None, negative: str | None, filters: Filters) -> str:
    """The MATCH expression: the text and each filter (or every article), minus the negated text.
    text/negative are column-filtered expressions from sqlite_store.fts_expression."""
    parts = [text] if text else []
    for prefix, values in (("l", filters.languages), ("o", filters.outlets), ("s", filters.stages),
                           ("j", filters.jurisdictions)):
        if values:
            parts.append(_any([word(prefix, v) for v in values]))
    if filters.relevant is not None:
        parts.append(_any([f"r{int(filters.relevant)}"]))
    matched = " AND ".join(f"({p})" for p in parts or [_any(["all"])])   # `all`: no text, no filter
    return f"({matched}) NOT ({negative})" if negative else matched
