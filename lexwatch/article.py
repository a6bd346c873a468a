"""The Article record: the one contract between crawler, nlp, index and the surfaces.

Its JSON Schema is `article.schema.json` beside this file; stores and exports validate against it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("article.schema.json")
STAGES = ("proposal", "committee", "reading", "adopted", "signed", "in_force", "guidance", "enforcement")
PENALTY_KINDS = ("fine", "imprisonment", "community_service", "restriction_of_liberty",
                 "correctional_labour", "arrest", "other")


def empty_deepfake() -> dict[str, Any]:
    """The tagger's object for an article it found nothing in."""
    return {"relevant": False, "score": 0.0, "stage": None, "reading": None, "jurisdictions": [],
            "penalties": [], "instruments": [], "bodies": [], "persons": [], "obligations": []}


def article_id(canonical_url: str) -> str:
    """Stable id: the same story URL always maps to the same record (and ES document)."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:24]


def content_hash(title: str, body: str) -> str:
    text = " ".join((title or "").split()) + "\n" + " ".join((body or "").split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class Article:
    url: str
    canonical_url: str = ""
    outlet: str = "other"
    edition: str | None = None          # language of the site section the page sits in
    language: str | None = None         # detected language of the body
    title: str = ""
    body: str = ""
    published_at: str | None = None     # ISO 8601 with offset
    modified_at: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    translations: dict[str, str] = field(default_factory=dict)
    fetched_at: str | None = None
    content_hash: str = ""
    deepfake: dict[str, Any] = field(default_factory=empty_deepfake)
    id: str = ""

    def __post_init__(self) -> None:
        if not self.canonical_url:
            from lexwatch.urls import canonical_url
            self.canonical_url = canonical_url(self.url)
        if not self.id:
            self.id = article_id(self.canonical_url)
        if not self.content_hash:
            self.content_hash = content_hash(self.title, self.body)
        merged = empty_deepfake()
        merged.update(self.deepfake or {})
        self.deepfake = merged

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of the record. Top-level lists and dicts are copied; the penalty and
        instrument objects inside `deepfake` are shared (dataclasses.asdict's deep copy was half
        the cost of storing an article)."""
        out = {}
        for name in _FIELD_NAMES:
            value = getattr(self, name)
            out[name] = value.copy() if isinstance(value, (list, dict)) else value
        out["deepfake"] = {k: v.copy() if isinstance(v, list) else v for k, v in self.deepfake.items()}
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Article":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Article))


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate(data: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when `data` breaks the Article contract."""
    import jsonschema
    jsonschema.validate(data, schema())
