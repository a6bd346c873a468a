"""Elasticsearch documents: the mapping file and the document an Article becomes.

The mapping (settings, fields, mapping_version) is index/es_mapping.json, read by the store and by the
tests that keep it equal to the Article record's fields. Why a `lemmas` field: matching must equal the
SQLite store's, so nlp.morph computes the index keys of documents and query words for both stores, and
ES only splits them on whitespace. Why a `published_day` field: day bounds and timeline buckets use the
article's local publication day.
"""
from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from lexwatch.article import Article
from lexwatch.index.timebuckets import published_day
from lexwatch.nlp.morph import lemma_text

MAPPING_PATH = Path(__file__).with_name("es_mapping.json")
DERIVED_FIELDS = ("lemmas", "published_day")
SOURCE_EXCLUDES = list(DERIVED_FIELDS)
BATCH = 500                 # documents per mget / bulk request


@lru_cache(maxsize=1)
def mapping_file() -> dict[str, Any]:
    return json.loads(MAPPING_PATH.read_text(encoding="utf-8"))


def mapping_version() -> int:
    return int(mapping_file()["mapping_version"])


def mapping_fields(properties: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted names of the mapped fields (objects and nested objects included, multi-fields not)."""
    out = set()
    for name, spec in properties.items():
        out.add(prefix + name)
        if "properties" in spec:
            out |= mapping_fields(spec["properties"], prefix + name + ".")
    return out


def to_document(article: Article) -> dict[str, Any]:
    """The indexed document: the Article record plus the derived fields. Raises ValueError on bad dates."""
    doc = article.to_dict()
    for name in ("published_at", "modified_at", "fetched_at"):
        if doc.get(name):
            datetime.fromisoformat(doc[name].replace("Z", "+00:00"))  # ValueError, reported per article
    doc["published_day"] = published_day(article.published_at)
    doc["lemmas"] = lemma_text(f"{article.title}\n{article.body}", article.language)
    return doc


def from_source(source: dict[str, Any]) -> Article:
    return Article.from_dict({k: v for k, v in source.items() if k not in DERIVED_FIELDS})
