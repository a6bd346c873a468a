"""The exported fields: the Article's own, its tags lifted out of `deepfake`, and `published_day`.

JSONL keeps the Article's nested shape; CSV and Parquet are flat, one column per field (CSV adds
`penalties_json` and `instruments_json` beside their short text). `--fields` picks from FIELDS.
"""
from __future__ import annotations

from typing import Any

from lexwatch.index.timebuckets import published_day
from lexwatch.article import Article, empty_deepfake

ARTICLE_FIELDS = ("id", "url", "canonical_url", "outlet", "edition", "language", "title", "body", "published_at",
                  "modified_at", "authors", "section", "tags", "translations", "fetched_at", "content_hash")
TAG_FIELDS = tuple(empty_deepfake())
# published_day: the outlet's local publication day, which filters and timelines use
FIELDS = ARTICLE_FIELDS[:9] + ("published_day",) + ARTICLE_FIELDS[9:] + TAG_FIELDS


def check_fields(fields: list[str] | None) -> list[str]:
    if not fields:
        return list(FIELDS)
    unknown = [f for f in fields if f not in FIELDS]
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; choose from: {' '.join(FIELDS)}")
    return list(dict.fromkeys(fields))


def flat(article: Article, fields: list[str]) -> dict[str, Any]:
    """One flat record of plain Python values (lists and dicts as stored)."""
    out: dict[str, Any] = {}
    for name in fields:
        if name in TAG_FIELDS:
            out[name] = article.deepfake.get(name)
        elif name == "published_day":
            out[name] = published_day(article.published_at)
        else:
            out[name] = getattr(article, name)
    return out


def nested(article: Article, fields: list[str]) -> dict[str, Any]:
    """The Article record itself, or with --fields its chosen parts in the same nesting."""
    if fields == list(FIELDS):
        return article.to_dict()
    out: dict[str, Any] = {}
    for name, value in flat(article, fields).items():
        if name in TAG_FIELDS:
            out.setdefault("deepfake", {})[name] = value
        else:
            out[name] = value
    return out


def instrument_short(instrument: dict[str, Any]) -> str:
    """'Criminal Code art. 147 part 2'."""
    parts = [instrument.get("name") or ""]
    if instrument.get("article"):
        parts.append(f"art. {instrument['article']}")
    if instrument.get("part"):
        parts.append(f"part {instrument['part']}")
    return " ".join(p for p in parts if p)
