"""Deepfake-regulation tagger (first cut: topic keywords only; the rule-based tagger replaces it)."""
from __future__ import annotations

import re

from lexwatch.article import empty_deepfake

_TOPIC = re.compile(r"deepfake|дипфейк|dipfeyk|süni intellekt|искусственн\w+ интеллект|AI-generated", re.I)
_LEGAL = re.compile(r"law|bill|code|fine|penalt|закон|кодекс|штраф|qanun|məcəllə|cərimə", re.I)


def tag(title: str, body: str, language: str | None, outlet: str | None = None) -> dict:
    result = empty_deepfake()
    text = f"{title}\n{body}"
    if _TOPIC.search(text) and _LEGAL.search(text):
        result.update(relevant=True, score=0.6)
    return result
