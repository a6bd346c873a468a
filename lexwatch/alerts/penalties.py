"""Penalties in short, in the digest's language: "fine 3,000–7,000 AZN; prison up to 3 years".

English is lexwatch.render's wording (the CLI, the exports and the web page print the same); Russian and Azerbaijani use the
words in labels.py and group thousands with a no-break space, as both languages write them.
"""
from __future__ import annotations

from typing import Any

from lexwatch.alerts.labels import WORDS, russian_form, russian_genitive
from lexwatch.render import penalties_short as english_penalties

NBSP = "\u00a0"


def _num(x: float) -> str:
    text = f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"
    return text.replace(",", NBSP).replace(".", ",")


def _unit(unit: str, n: float, lang: str, genitive: bool = False) -> str:
    forms = WORDS[lang]["units"].get(unit)
    if forms is None:          # currencies and MRP stay as codes in every language
        return unit
    if lang == "ru":
        return russian_genitive(n, forms) if genitive else russian_form(n, forms)
    return forms[0]


def penalty_short(p: dict[str, Any], lang: str) -> str:
    words = WORDS[lang]
    lo, hi, unit = p.get("min"), p.get("max"), p.get("unit", "")
    if lo is not None and hi is not None:
        amount = _num(lo) if lo == hi else f"{_num(lo)}–{_num(hi)}"
        amount = f"{amount} {_unit(unit, hi, lang)}"
    elif hi is not None or lo is not None:
        n = hi if hi is not None else lo
        template = words["up_to"] if hi is not None else words["at_least"]
        amount = template.format(n=_num(n), unit=_unit(unit, n, lang),
                                 unit_genitive=_unit(unit, n, lang, genitive=True))
    else:
        amount = ""
    return " ".join(x for x in (words["kinds"].get(p.get("kind"), words["kinds"]["other"]), amount) if x)


def penalties_short(penalties: list[dict[str, Any]], lang: str) -> str:
    if lang == "en":
        return english_penalties(penalties)
    return "; ".join(penalty_short(p, lang) for p in penalties)
