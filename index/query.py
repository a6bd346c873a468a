"""The analysts' query syntax, shared by the CLI, the web page and both stores.

    deepfake law          both words (in any form: lemmas)
    "criminal code"       the phrase
    дипфейк OR deepfake   either
    -crypto  -"bank card" not these

OR binds tighter than the implied AND. There are no fields and no operators beyond these, so
nothing a user types can become raw Elasticsearch DSL or an FTS5 syntax error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lexwatch.nlp.morph import query_variants, tokens

MAX_TERMS = 32
MAX_QUERY_CHARS = 2000         # analysts' queries are a line; a megabyte of text is not a query
MAX_PHRASE_ALTERNATIVES = 64   # a phrase of Latin words doubles per word (English and Azerbaijani keys)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')

# A term is a phrase: a tuple of word positions, each a set of acceptable lemma keys.
Term = tuple[frozenset[str], ...]


@dataclass
class ParsedQuery:
    groups: list[list[Term]] = field(default_factory=list)   # AND of ORs
    negatives: list[Term] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.groups and not self.negatives

    def all_keys(self) -> set[str]:
        return {key for group in self.groups for term in group for pos in term for key in pos}


def _term(text: str) -> Term | None:
    words = tokens(text)
    return tuple(query_variants(w) for w in words) if words else None


def parse_query(text: str | None) -> ParsedQuery:
    if text and len(text) > MAX_QUERY_CHARS:
        from lexwatch.index.store import QueryError
        raise QueryError(f"query is longer than {MAX_QUERY_CHARS} characters")
    parsed = ParsedQuery()
    pending_or = False
    for match in _TOKEN.finditer(text or ""):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare == "OR":
            pending_or = bool(parsed.groups)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        term = _term(phrase if phrase is not None else bare)
        if term is None:
            continue
        if negated:
            parsed.negatives.append(term)
        elif pending_or:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        pending_or = False
    if sum(len(g) for g in parsed.groups) + len(parsed.negatives) > MAX_TERMS:
        from lexwatch.index.store import QueryError
        raise QueryError(f"query has more than {MAX_TERMS} terms")
    return parsed


def phrase_alternatives(term: Term) -> list[str]:
    """Every space-joined key sequence a phrase may be indexed as. Both stores expand phrases with
    this one function; a phrase with too many alternatives is refused rather than cut silently."""
    phrases = [""]
    for keys in term:
        phrases = [f"{p} {k}".strip() for p in phrases for k in sorted(keys)]
        if len(phrases) > MAX_PHRASE_ALTERNATIVES:
            from lexwatch.index.store import QueryError
            raise QueryError(f"phrase {' '.join(min(k, key=len) for k in term)!r} is too long; split it")
    return phrases
