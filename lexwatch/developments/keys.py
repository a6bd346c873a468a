"""From a stored Article to grouping features (a Member): its main jurisdiction, its stage, and
votes for the instrument it is about, keyed by the multilingual vocabulary in instruments.yaml.

A headline naming an instrument counts most; then the instrument the body names first (a news
lead names its subject): a story on the AI law that says which code it amends is about the law.
Instruments only the tagger found (its vocabulary knows wordings the patterns do not) follow the
body's mentions.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from lexwatch.article import Article, article_id
from lexwatch.developments.model import Member
from lexwatch.urls import canonical_url

VOCABULARY = Path(__file__).with_name("instruments.yaml")
TITLE_VOTE = 3.0      # the headline names it
FIRST_VOTE = 2.0      # the tagger's first instrument
OTHER_VOTE = 1.0      # any further instrument, or the body names it


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _tagged_names() -> dict[str, str]:
    return {name.casefold(): key for key, entry in vocabulary().items() for name in entry.get("tagged", [])}


@lru_cache(maxsize=8)
def _patterns(language: str) -> list[tuple[str, re.Pattern]]:
    out = []
    for key, entry in vocabulary().items():
        for pattern in (entry.get("patterns") or {}).get(language, []):
            out.append((key, re.compile(pattern, re.I)))
    return out


def instrument_key(name: str) -> str | None:
    """The key of an instrument name as the tagger writes it ('Criminal Code' -> 'criminal-code')."""
    return _tagged_names().get((name or "").casefold())


def instrument_label(key: str | None, language: str = "en") -> str:
    if key is None:
        return "(instrument not named)"
    entry = vocabulary().get(key) or {}
    if language != "en":
        return (entry.get("labels") or {}).get(language) or entry.get("label") or key
    return entry.get("label") or key


def instrument_rank(key: str) -> int:
    return int((vocabulary().get(key) or {}).get("rank", 9))


def named_keys(text: str, language: str | None) -> list[str]:
    """Instrument keys a text names, by the vocabulary's patterns for its language, in the order
    of their first mention."""
    first: dict[str, int] = {}
    for key, pattern in _patterns(language or "en"):
        match = pattern.search(text or "")
        if match and match.start() < first.get(key, len(text) + 1):
            first[key] = match.start()
    return sorted(first, key=lambda k: (first[k], k))


def article_ref(value: Any) -> str | None:
    """An article number as a string: '163-1' keeps its suffix (an int 163 becomes '163')."""
    if value is None or value == "":
        return None
    return str(value).strip() or None


def member_of(article: Article) -> Member | None:
    """The grouping features of a stored article; None when it is not relevant (not a development)."""
    tags = article.deepfake or {}
    if not tags.get("relevant"):
        return None
    votes: dict[str, float] = {}
    refs: dict[str, list[str]] = {}
    tagged: list[str] = []
    for inst in tags.get("instruments") or []:
        key = instrument_key(inst.get("name", ""))
        if key is None:
            continue
        if key not in tagged:
            tagged.append(key)
        ref = article_ref(inst.get("article"))
        if ref and ref not in refs.setdefault(key, []):
            refs[key].append(ref)
    # The body's mentions in reading order, then what only the tagger found: the first is the
    # story's subject (a news lead names it), the rest are context.
    mentions = named_keys(article.body, article.language)
    mentions += [k for k in tagged if k not in mentions]
    for i, key in enumerate(mentions):
        votes[key] = votes.get(key, 0.0) + (FIRST_VOTE if i == 0 else OTHER_VOTE)
    for key in named_keys(article.title, article.language):
        votes[key] = votes.get(key, 0.0) + TITLE_VOTE
    jurisdictions = tags.get("jurisdictions") or []
    links = sorted({article_id(canonical_url(u)) for u in (article.translations or {}).values() if u} - {article.id})
    return Member(id=article.id, url=article.url, title=article.title or "", language=article.language,
                  outlet=article.outlet, day=local_day(article), published_at=article.published_at,
                  stage=tags.get("stage"), reading=tags.get("reading"),
                  jurisdiction=jurisdictions[0] if jurisdictions else None, votes=votes, refs=refs,
                  penalties=list(tags.get("penalties") or []), links=links)


def local_day(article: Article) -> str:
    """The day the outlet published it, in the outlet's own time zone (as timelines count)."""
    moment = article.published_at or article.fetched_at or ""
    return moment[:10] if len(moment) >= 10 else ""
