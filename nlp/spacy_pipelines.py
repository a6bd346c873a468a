"""spaCy blank pipelines per rule language, with lemma-setting and PhraseMatchers built from the
rule vocabularies. Built once per language and cached.

Lemmas: Russian/English through nlp.morph (pymorphy3 / Snowball). Azerbaijani and Kazakh are
agglutinative and have no lemmatizer here, so a token's lemma is the longest vocabulary stem it
starts with; the rest of the word may carry a range bound (manat-adək 'up to', il-dən 'from'),
kept in token._.bound for the penalty grammar.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy
import spacy
from spacy.attrs import IS_ALPHA, LEMMA, LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token
from spacy.util import compile_infix_regex

from lexwatch.nlp import morph
from lexwatch.nlp.rules import SPACY_LANGUAGE, load_rules

if not Token.has_extension("bound"):
    Token.set_extension("bound", default=None)

# Splits the tokenizer leaves glued: 000-dən, 147-ci, ч.2 / ст.147, 145(2), and ranges printed
# with a dash between digits (10–50 тыс.), which must read as two bounds.
_EXTRA_INFIXES = (r"(?<=[0-9])[-–](?=[^\W\d_])", r"(?<=[^\W\d_])\.(?=[0-9])", r"(?<=[0-9])\((?=[0-9])",
                  r"(?<=[0-9])[–—](?=[0-9])")
_MIN_FREE_STEM = 4   # stems this long match with any ending; shorter ones only with listed endings
_MAX_ENDING = 10


class StemLemmatizer:
    """Longest-vocabulary-stem lemmas for agglutinative languages (az, kk)."""

    def __init__(self, stems: set[str], short_endings: set[str], bounds: dict[str, list[str]],
                 fallback_language: str | None):
        self.stems = stems
        self.by_first = {}
        for s in sorted(stems, key=len, reverse=True):
            self.by_first.setdefault(s[:1], []).append(s)
        self.short_endings = short_endings
        self.bounds = [(suffix, kind) for kind, items in bounds.items() for suffix in items]
        self.bounds.sort(key=lambda item: len(item[0]), reverse=True)
        self.fallback_language = fallback_language

    @lru_cache(maxsize=100_000)
    def stem(self, word: str) -> tuple[str, str | None]:
        for s in self.by_first.get(word[:1], ()):
            if not word.startswith(s):
                continue
            rest = word[len(s):]
            if rest and len(s) < _MIN_FREE_STEM and rest not in self.short_endings:
                continue
            if len(rest) > _MAX_ENDING:
                continue
            return s, self._bound(rest)
        if self.fallback_language and word.isalpha():
            return morph.lemma(word, self.fallback_language), None
        return word, None

    def _bound(self, rest: str) -> str | None:
        for suffix, kind in self.bounds:
            if rest.endswith(suffix):
                return kind
        return None


@dataclass
class Analyzer:
    language: str
    nlp: Language
    rules: dict
    matcher: PhraseMatcher
    numbers: dict[str, float] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)
    ordinals: dict[str, int] = field(default_factory=dict)
    # first-token lemmas of every topic phrase: a text without any of them has no topic sentence
    topic_heads: frozenset[str] = frozenset()

    @cached_property
    def topic_head_ids(self) -> frozenset[int]:
        """topic_heads as string-store hashes, compared with a whole doc's lemma array at once."""
        return frozenset(self.nlp.vocab.strings.add(h) for h in self.topic_heads)

    def __call__(self, text: str) -> Doc:
        return self.nlp(text)

    def lemma_key(self, phrase: str) -> str:
        return " ".join(t.lemma_ for t in self.nlp.make_doc(phrase) if self._lemmatize_token(t) or True)

    def _lemmatize_token(self, token) -> bool:
        return False


def _vocabulary_phrases(rules: dict) -> list[tuple[str, str]]:
    """(label, phrase) for every matchable vocabulary entry."""
    out: list[tuple[str, str]] = []
    topic = rules.get("topic", {})
    for sub in ("strong", "ai", "media"):
        out += [(f"TOPIC_{sub}", p) for p in topic.get(sub, [])]
    out += [("LEGAL", p) for p in rules.get("legal", [])]
    out += [("BG", p) for p in rules.get("background", [])]
    for stage, items in rules.get("stages", {}).items():
        out += [(f"STAGE_{stage}", p) for p in items]
    out += [(f"ORD_{n}", p) for p, n in rules.get("ordinals", {}).items()]
    out += [("FINAL", p) for p in rules.get("final_reading", [])]
    for kind, items in rules.get("penalty", {}).items():
        out += [(f"KIND_{kind}", p) for p in items]
    for unit, items in rules.get("units", {}).items():
        out += [(f"UNIT_{unit}", p) for p in items]
    for mod, items in rules.get("modifiers", {}).items():
        out += [(f"MOD_{mod}", p) for p in items]
    for code, items in rules.get("countries", {}).items():
        out += [(f"COUNTRY_{code}", p) for p in items]
    for code, items in rules.get("clues", {}).items():
        out += [(f"CLUE_{code}", p) for p in items]
    for name, spec in rules.get("bodies", {}).items():
        out += [(f"BODY_{name}", p) for p in spec.get("terms", [])]
    for name, items in rules.get("instruments", {}).items():
        out += [(f"INSTR_{name}", p) for p in items]
    out += [("ART", p) for p in rules.get("article_words", [])]
    out += [("PART", p) for p in rules.get("part_words", [])]
    out += [("ROLE", p) for p in rules.get("roles", [])]
    out += [("SAME", p) for p in rules.get("same_term", [])]
    out += [("MODAL", p) for p in rules.get("modal", [])]
    out += [("NEXT", p) for p in rules.get("next_chamber", [])]
    out += [("NEG", p) for p in rules.get("negation", [])]
    out += [("COMPARE", p) for p in rules.get("compare", [])]
    out += [("EXEC", p) for p in rules.get("executive", [])]
    out += [("REL", p) for p in rules.get("relative", [])]
    for name, items in rules.get("obligations", {}).items():
        out += [(f"OBL_{name}", p) for p in items]
    return [(label, str(p)) for label, p in out if str(p).strip()]


def _paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and list items carry no final stop."""
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[i + 1].is_sent_start = True
    return doc


if "lexwatch_paragraph_breaks" not in Language.factories:
    Language.component("lexwatch_paragraph_breaks", func=_paragraph_breaks)


@lru_cache(maxsize=None)
def analyzer(rule_language: str) -> Analyzer:
    rules = load_rules(rule_language)
    nlp = spacy.blank(SPACY_LANGUAGE[rule_language])
    infixes = list(nlp.Defaults.infixes) + list(_EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    phrases = _vocabulary_phrases(rules)

    if "suffixes" in rules:  # agglutinative: stem lemmas from the vocabulary itself
        stems: set[str] = set()
        for _, phrase in phrases:
            stems.update(t.lower_ for t in nlp.make_doc(phrase) if t.is_alpha)
        stems.update(str(k).lower() for k in rules.get("numbers", {}))
        stems.update(str(k).lower() for k in rules.get("scales", {}))
        stems.update(str(k).lower() for k in rules.get("ordinals", {}))
        stems.update(str(k).lower() for k in rules.get("plain_words", []))
        suffixes = rules["suffixes"]
        lemmatizer = StemLemmatizer(stems, set(suffixes.get("short", [])),
                                    {"from": suffixes.get("from", []), "up_to": suffixes.get("up_to", [])},
                                    "az" if rule_language == "az" else None)

        def set_lemmas(doc: Doc) -> Doc:
            for t in doc:
                lemma, bound = lemmatizer.stem(t.lower_)
                t.lemma_ = lemma
                t._.bound = bound
            return doc
    else:
        def set_lemmas(doc: Doc) -> Doc:
            # Through arrays, not Token objects: a Token per word cost more than the lemmas themselves.
            if not len(doc):
                return doc
            strings = doc.vocab.strings
            lower, alpha = doc.to_array([LOWER, IS_ALPHA]).T.tolist()
            words = [strings[h] for h in lower]
            keys = morph.word_keys([w for w, a in zip(words, alpha) if a], rule_language)
            lemmas = iter(keys)
            hashes = [strings.add(next(lemmas)) if a else h for h, a in zip(lower, alpha)]
            doc.from_array([LEMMA], numpy.array(hashes, dtype="uint64").reshape(-1, 1))
            return doc

    name = f"lexwatch_lemmas_{rule_language}"
    Language.component(name, func=set_lemmas)
    nlp.add_pipe(name)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lexwatch_paragraph_breaks")

    matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    by_label: dict[str, list[Doc]] = {}
    texts = [p for _, p in phrases]
    for (label, _), doc in zip(phrases, nlp.pipe(texts)):
        by_label.setdefault(label, []).append(doc)
    for label, docs in by_label.items():
        matcher.add(label, docs)

    def keyed(mapping: dict) -> dict:
        out = {}
        for word, value in mapping.items():
            doc = nlp(str(word))
            out[" ".join(t.lemma_ for t in doc)] = value
            out[str(word).lower()] = value
        return out

    heads = frozenset(doc[0].lemma_ for label in ("TOPIC_strong", "TOPIC_ai") for doc in by_label.get(label, [])
                      if len(doc))
    return Analyzer(rule_language, nlp, rules, matcher, keyed(rules.get("numbers", {})),
                    keyed(rules.get("scales", {})), keyed(rules.get("ordinals", {})), heads)
