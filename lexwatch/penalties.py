"""Penalties in short, one wording for every surface: "fine up to 100 MRP (≈ up to 393,200 KZT);
prison up to 3 years; 3–5 and 3–7 years aggravated".

`penalties_short(penalties, lang)` is what the CLI, the CSV export, the web page and its API (English)
and the e-mail digests (en, ru, az) print; kk is written the same way for the surfaces that will need
it. An amount in a unit with a legal equivalent (MRP, Kazakhstan's monthly calculation index) carries
the equivalent the tagger computed, "(≈ … KZT)". The later penalties of one kind and unit that all go
above the first one are the article's aggravated parts: they follow the first as one item, the unit
written once, instead of repeating the kind. English groups thousands with a comma; Russian,
Azerbaijani and Kazakh with a no-break space and a decimal comma, as they are written.
"""
from __future__ import annotations

from typing import Any

from lexwatch.plural import russian_form, russian_genitive

LANGUAGES = ("en", "ru", "az", "kk")
NBSP = "\u00a0"

# kinds: the schema's penalty kinds; units: noun forms (English: 1, many; Russian: 1, 2–4 / genitive,
# 5+; Azerbaijani and Kazakh keep the singular after numerals); currencies and MRP stay as codes.
WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "kinds": {"fine": "fine", "imprisonment": "prison", "community_service": "community service",
                  "restriction_of_liberty": "restriction of liberty", "correctional_labour": "correctional labour",
                  "arrest": "arrest", "other": "penalty"},
        "units": {"years": ("year", "years"), "months": ("month", "months"), "days": ("day", "days"),
                  "hours": ("hour", "hours")},
        "up_to": "up to {n}", "at_least": "at least {n}", "and": "and", "aggravated": "{amount} aggravated",
    },
    "ru": {
        "kinds": {"fine": "штраф", "imprisonment": "лишение свободы", "community_service": "обязательные работы",
                  "restriction_of_liberty": "ограничение свободы", "correctional_labour": "исправительные работы",
                  "arrest": "арест", "other": "наказание"},
        "units": {"years": ("год", "года", "лет"), "months": ("месяц", "месяца", "месяцев"),
                  "days": ("день", "дня", "дней"), "hours": ("час", "часа", "часов")},
        "up_to": "до {n}", "at_least": "от {n}", "and": "и",
        "aggravated": "{amount} при отягчающих обстоятельствах",
    },
    "az": {
        "kinds": {"fine": "cərimə", "imprisonment": "azadlıqdan məhrumetmə", "community_service": "ictimai işlər",
                  "restriction_of_liberty": "azadlığın məhdudlaşdırılması", "correctional_labour": "islah işləri",
                  "arrest": "inzibati həbs", "other": "cəza"},
        "units": {"years": ("il",), "months": ("ay",), "days": ("gün",), "hours": ("saat",)},
        "up_to": "ən çoxu {n}", "at_least": "ən azı {n}", "and": "və",
        "aggravated": "ağırlaşdırıcı hallarda {amount}",
    },
    "kk": {
        "kinds": {"fine": "айыппұл", "imprisonment": "бас бостандығынан айыру",
                  "community_service": "қоғамдық жұмыстар", "restriction_of_liberty": "бас бостандығын шектеу",
                  "correctional_labour": "түзеу жұмыстары", "arrest": "қамаққа алу", "other": "жаза"},
        "units": {"years": ("жыл",), "months": ("ай",), "days": ("күн",), "hours": ("сағат",)},
        "up_to": "ең көбі {n}", "at_least": "ең кемі {n}", "and": "және",
        "aggravated": "ауырлататын мән-жайларда {amount}",
    },
}


def penalties_short(penalties: list[dict[str, Any]] | None, lang: str = "en") -> str:
    """The article's penalties as one line in `lang`; "" when there are none."""
    words = _words(lang)
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for p in penalties or []:
        same = groups.setdefault((p.get("kind") or "other", p.get("unit") or "", _equivalent(p)["unit"]), [])
        if not any(_bounds(p) == _bounds(q) for q in same):   # a penalty the page states twice
            same.append(p)
    parts = []
    for (kind, _, _), items in groups.items():
        kind_word = words["kinds"].get(kind, words["kinds"]["other"])
        first, rest = items[0], items[1:]
        if rest and all(_above(p, first) for p in rest):
            parts.append(f"{kind_word} {_amount([first], lang)}".strip())
            parts.append(words["aggravated"].format(amount=_amount(rest, lang)))
        else:
            parts += [f"{kind_word} {_amount([p], lang)}".strip() for p in items]
    return "; ".join(parts)


def amount_range(low: float | None, high: float | None, unit: str, lang: str = "en") -> str:
    """One range with its unit: '3,000–7,000 AZN', 'up to 3 years', 'at least 240 hours', '1 year'."""
    return _ranges([(low, high)], unit, lang)


def number(value: float | int | None, lang: str = "en") -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if lang == "en" else text.replace(",", NBSP).replace(".", ",")


def _words(lang: str) -> dict[str, Any]:
    if lang not in WORDS:
        raise ValueError(f"penalties are worded in {', '.join(LANGUAGES)}, not {lang!r}")
    return WORDS[lang]


def _bounds(p: dict[str, Any]) -> tuple[Any, Any]:
    return p.get("min"), p.get("max")


def _equivalent(p: dict[str, Any]) -> dict[str, Any]:
    """The penalty's equivalent range, or an empty one (unit "") when it has none."""
    eq = p.get("equivalent") or {}
    if eq.get("min") is None and eq.get("max") is None:
        return {"min": None, "max": None, "unit": ""}
    return {"min": eq.get("min"), "max": eq.get("max"), "unit": eq.get("unit") or ""}


def _above(p: dict[str, Any], first: dict[str, Any]) -> bool:
    """p's upper end goes beyond first's: an aggravated part of the same offence."""
    top, first_top = (x.get("max") if x.get("max") is not None else x.get("min") for x in (p, first))
    return top is not None and first_top is not None and top > first_top


def _amount(items: list[dict[str, Any]], lang: str) -> str:
    """The ranges of penalties sharing a unit, joined, the unit once, then their equivalents alike."""
    text = _ranges([_bounds(p) for p in items], items[0].get("unit") or "", lang)
    equivalents = [_equivalent(p) for p in items]
    if equivalents[0]["unit"]:
        text += f" (≈ {_ranges([(e['min'], e['max']) for e in equivalents], equivalents[0]['unit'], lang)})"
    return text


def _ranges(ranges: list[tuple[Any, Any]], unit: str, lang: str) -> str:
    """'3–5 and 3–7 years'; the last range decides the noun's form, as it stands beside it."""
    words = _words(lang)
    texts, last = [], None
    for low, high in ranges:
        if low is not None and high is not None:
            texts.append(number(low, lang) if low == high else f"{number(low, lang)}–{number(high, lang)}")
            last = ("exact", high)
        elif high is not None:
            texts.append(words["up_to"].format(n=number(high, lang)))
            last = ("up_to", high)
        elif low is not None:
            texts.append(words["at_least"].format(n=number(low, lang)))
            last = ("at_least", low)
    if last is None:
        return ""
    joined = texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} {words['and']} {texts[-1]}"
    word = _unit_word(unit, last[1], governed=last[0] != "exact", lang=lang)
    return f"{joined} {word}".strip()


def _unit_word(unit: str, n: float, governed: bool, lang: str) -> str:
    forms = WORDS[lang]["units"].get(unit)
    if forms is None:
        return unit
    if lang == "en":
        return forms[0] if n == 1 else forms[1]
    if lang == "ru":   # "до"/"от" take the genitive
        return russian_genitive(n, forms) if governed else russian_form(n, forms)
    return forms[0]
