"""Lexwatch's query and filters as Elasticsearch query DSL: words and phrases match the `lemmas`
field (keys computed by nlp.morph, as the SQLite store's FTS5 index holds); user text is only ever a
term value, never DSL."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from lexwatch.index.query import ParsedQuery, Term, parse_query, phrase_alternatives
from lexwatch.index.store import Filters, parse_bound


def _millis(bound: str) -> int:
    """An instant bound in epoch milliseconds; a bare day means its start in UTC (as in SQLite)."""
    value = parse_bound(bound)
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return int(round(value.timestamp() * 1000))


def term_query(term: Term) -> dict[str, Any]:
    if len(term) == 1:
        keys = sorted(term[0])
        clauses = [{"term": {"lemmas": key}} for key in keys]
    else:
        clauses = [{"match_phrase": {"lemmas": {"query": p, "analyzer": "whitespace"}}} for p in phrase_alternatives(term)]
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def text_query(parsed: ParsedQuery) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(must clauses, must_not clauses) on the `lemmas` field; never raw user text as DSL."""
    must = []
    for group in parsed.groups:
        alternatives = [term_query(t) for t in group]
        must.append(alternatives[0] if len(alternatives) == 1
                    else {"bool": {"should": alternatives, "minimum_should_match": 1}})
    must_not = [term_query(t) for t in parsed.negatives]
    return must, must_not


def filter_clauses(filters: Filters | None) -> list[dict[str, Any]]:
    f = filters or Filters()
    out: list[dict[str, Any]] = []
    for name, values in (("language", f.languages), ("outlet", f.outlets), ("deepfake.stage", f.stages),
                         ("deepfake.jurisdictions", f.jurisdictions)):
        if values:
            out.append({"terms": {name: list(values)}})
    if f.relevant is not None:
        out.append({"term": {"deepfake.relevant": bool(f.relevant)}})
    for bound, op in ((f.date_from, "gte"), (f.date_to, "lte")):
        if bound is None:
            continue
        value = parse_bound(bound)
        if isinstance(value, datetime):   # an instant: compare instants, to the millisecond
            out.append({"range": {"published_at": {op: _millis(bound), "format": "epoch_millis"}}})
        else:                              # a day: compare the local publication day
            out.append({"range": {"published_day": {op: value.isoformat(), "format": "yyyy-MM-dd"}}})
    if f.fetched_from:
        out.append({"range": {"fetched_at": {"gte": _millis(f.fetched_from), "format": "epoch_millis"}}})
    return out


def build_query(query: str | ParsedQuery, filters: Filters | None) -> dict[str, Any]:
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    must, must_not = text_query(parsed)
    filt = filter_clauses(filters)
    if not (must or must_not or filt):
        return {"match_all": {}}
    body: dict[str, Any] = {}
    if must:
        body["must"] = must
    if must_not:
        body["must_not"] = must_not
    if filt:
        body["filter"] = filt
    return {"bool": body}
