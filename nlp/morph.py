"""Lemmas and stems for indexing and for query terms, the same on both stores.

Why: analysts type `дипфейков` and expect `дипфейк`, `штрафы` → `штраф`, `cərimə` → `cəriməsi`.
Cyrillic words go through pymorphy3 (the one import site of it), English through Snowball,
Azerbaijani through a light suffix stripper. Lemma output is lower-case `[^\\W_]+` tokens joined by
spaces, so SQLite FTS5 (unicode61) and Elasticsearch (whitespace tokenizer) split it identically.
"""
from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"[^\W_]+", re.UNICODE)
_WORD_CHARS = re.compile(r"\w+")   # the same runs as WORD when the text has no "_", and faster
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_AZ_LETTERS = set("əğışçöü")

# Inflectional endings of Azerbaijani nouns, longest first (plural, possessive, case, copula).
# A light stemmer: it only needs to map inflected forms of one word onto one key.
_AZ_SUFFIXES = sorted({
    "lar", "lər", "ları", "ləri",
    "nın", "nin", "nun", "nün", "ın", "in", "un", "ün",
    "sı", "si", "su", "sü", "ı", "i", "u", "ü",
    "nı", "ni", "nu", "nü", "ya", "yə", "a", "ə",
    "da", "də", "ta", "tə", "dan", "dən", "tan", "tən",
    "la", "lə", "yla", "ylə",
    "dır", "dir", "dur", "dür",
}, key=len, reverse=True)
_AZ_MIN_STEM = 4  # shorter stems start to merge unrelated words (qanun → qan)


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3
    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=1)
def _english():
    import snowballstemmer
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def russian_lemma(word: str) -> str:
    return _morph().parse(word)[0].normal_form.replace("ё", "е")


@lru_cache(maxsize=50_000)
def russian_name_tags(word: str) -> frozenset[str]:
    """Which of first name, surname, patronymic, place, organisation pymorphy3's likelier readings
    of `word` are ('Name', 'Surn', 'Patr', 'Geox', 'Orgn'); the first reading's place or organisation
    tag is reported as 'Geox!' / 'Orgn!'."""
    parses = _morph().parse(word.lower())[:3]
    tags = {g for p in parses for g in ("Name", "Surn", "Patr") if g in p.tag}
    if parses and parses[0].score >= 0.5:
        tags.update(f"{g}!" for g in ("Geox", "Orgn") if g in parses[0].tag)
    return frozenset(tags)


@lru_cache(maxsize=20_000)
def russian_future(word: str) -> bool:
    """A verb form in the future tense (примут, вступит): tense the lemma drops."""
    return _morph().parse(word)[0].tag.tense == "futr"


@lru_cache(maxsize=200_000)
def english_stem(word: str) -> str:
    return _english().stemWord(word)


@lru_cache(maxsize=200_000)
def azerbaijani_stem(word: str) -> str:
    for _ in range(3):  # at most three stacked endings: cərimə-lər-i-nin
        for suffix in _AZ_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _AZ_MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


def tokens(text: str) -> list[str]:
    return WORD.findall(text.lower())


def lemma(word: str, language: str | None) -> str:
    """The index key of one lower-case word in a text of `language`."""
    if _CYRILLIC.search(word):
        return russian_lemma(word)
    if language == "az":
        return azerbaijani_stem(word)
    return english_stem(word)


_TEXT_CACHE: dict[str | None, dict[str, str]] = {}
_TEXT_CACHE_LIMIT = 500_000  # words per language; news vocabularies stay well below, a flood is cut


def word_keys(words: list[str], language: str | None) -> list[str]:
    """The index key of each lower-case word; a plain dict per language in front of lemma() because
    this runs on every stored article and every snippet, and a dict lookup is several times cheaper
    than the call chain."""
    cache = _TEXT_CACHE.setdefault(language, {})
    if len(cache) > _TEXT_CACHE_LIMIT:
        cache.clear()
    keys = list(map(cache.get, words))
    if None in keys:
        for i, key in enumerate(keys):
            if key is None:
                keys[i] = cache[words[i]] = lemma(words[i], language)
    return keys


# Keys computed in another process (a crawl's analysis worker, whose caches are warm) for a text the
# store is about to index: taken once, by exact text and language, so a miss only costs recomputing.
_HANDED_OVER: dict[tuple[str, str | None], str] = {}
_HANDED_OVER_LIMIT = 2_000   # articles in flight are far fewer; a flood of unstored ones is cut


def hand_over(text: str, language: str | None, keys: str) -> None:
    """`keys` = lemma_text(text, language), computed elsewhere: the next lemma_text call takes it."""
    if len(_HANDED_OVER) >= _HANDED_OVER_LIMIT:
        _HANDED_OVER.clear()
    _HANDED_OVER[(text, language)] = keys


def lemma_text(text: str, language: str | None) -> str:
    """Space-joined keys of every word."""
    if _HANDED_OVER and (keys := _HANDED_OVER.pop((text, language), None)) is not None:
        return keys
    text = text.lower()
    return " ".join(word_keys((WORD if "_" in text else _WORD_CHARS).findall(text), language))


def query_variants(word: str) -> frozenset[str]:
    """Keys a query word may be indexed under: the query does not say its language, so a Latin
    word is tried as English and as Azerbaijani."""
    word = word.lower()
    if _CYRILLIC.search(word):
        return frozenset({russian_lemma(word)})
    return frozenset({english_stem(word), azerbaijani_stem(word)})
