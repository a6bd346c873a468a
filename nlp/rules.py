"""Rule vocabularies (nlp/rules/<lang>.yaml): topic terms, stage cues, penalty kinds, units,
number words, countries, bodies, instruments, obligations. Loaded once per language.

Languages without a file of their own borrow the closest one (kk has its own vocabulary but
Russian tokenization; tr reads with the az rules, uk with the ru rules).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

RULES_DIR = Path(__file__).with_name("rules")
RULE_LANGUAGE = {"az": "az", "tr": "az", "kk": "kk", "ru": "ru", "uk": "ru", "en": "en"}
# spaCy has no Kazakh language class; its Cyrillic tokenization is the Russian one.
SPACY_LANGUAGE = {"az": "az", "kk": "ru", "ru": "ru", "en": "en"}


def rule_language(language: str | None) -> str:
    return RULE_LANGUAGE.get(language or "", "en")


@lru_cache(maxsize=None)
def load_rules(language: str) -> dict:
    with (RULES_DIR / f"{language}.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)
