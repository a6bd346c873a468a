"""Whose law the story is about, from clues in the story's core sentences.

Real reporting often never names the country: it names a national body (Мажилис, Milli Məclis,
the House of Representatives), a city or region (Almaty, Свердловская область), a code with its
country's initials (УК РФ), or prints amounts in a national currency (tenge, МРП, won). Each clue
counts as much as nlp/rules/jurisdiction.yaml says; the vocabularies themselves live in the
per-language rule files (`countries`; `clues`: places and heads of state whose name says the
country; `bodies` with a `country`, or a `hint` where the body is most often but not always that
country's: DİN in an Azerbaijani text, 'Сенат' in a Russian one).

The outlet's home country is only a prior: it breaks a tie and answers when the story gives no
clue at all, but never outweighs a clue (an Azerbaijani outlet reporting a Korean law is about KR).
"""
from __future__ import annotations

from collections import defaultdict

from lexwatch.nlp.rules import load_rules


def jurisdictions(doc, sentences, core, rules: dict, home: str | None, scales: dict) -> list[str]:
    common = load_rules("jurisdiction")
    weight, first_seen = _score(doc, core, rules, common, scales, common["position"]["body"])
    if not weight:
        outside = [s for s in sentences if s not in core]
        weight, first_seen = _score(doc, outside, rules, common, scales, common["outside_core"])
    if not weight:
        return [home] if home else []
    if home in weight:
        weight[home] += 1e-6          # the prior decides a tie, nothing more
    top = max(weight.values())
    chosen = [c for c, w in weight.items() if w >= common["keep_share"] * top]
    return sorted(chosen, key=lambda c: first_seen[c])


def _score(doc, sentences, rules, common, scales, body_weight):
    bodies = rules.get("bodies", {})
    kinds = common["weights"]
    position = common["position"]
    weight: dict[str, float] = defaultdict(float)
    hinted: dict[str, float] = defaultdict(float)
    whole: set[str] = set()           # countries counted at least once outside a comparison
    first_seen: dict[str, int] = {}
    for s in sentences:
        where = position["title"] if s.is_title else position["background"] if s.background else body_weight
        clues: list[tuple[str, float, int]] = []
        countries = _outermost(s.of("COUNTRY_"))     # "Южной Корее" is one mention, not two
        places = s.of("CLUE_")
        clues += [(code, kinds["country"], start) for code, start, _ in countries]
        clues += [(code, kinds["clue"], start) for code, start, _ in places]
        body_spans = _outermost(s.of("BODY_"))
        # what a body sits beside says whose it is: 'Сенат США', 'Ташкентте сенаторлар', 'Олий Мәжілістің Сенаты'
        owners = countries + places + [(n, b_s, b_e) for n, b_s, b_e in body_spans if (bodies.get(n) or {}).get("country")]
        for name, start, end in body_spans:
            if any((o_s, o_e) != (start, end) and (-2 <= o_s - end <= 2 or -2 <= start - o_e <= 2)
                   for _, o_s, o_e in owners):
                continue
            spec = bodies.get(name) or {}
            if spec.get("country"):
                clues.append((spec["country"], kinds["body"], start))
            elif spec.get("hint"):
                hinted[spec["hint"]] += where * kinds["hint"]
                first_seen.setdefault(spec["hint"], start)
        for name, start, _ in s.of("INSTR_"):
            code = common["instruments"].get(name)
            if code:
                clues.append((code, kinds["instrument"], start))
        for unit, start, _ in s.of("UNIT_"):
            code = common["currency"].get(unit)
            if code and _after_amount(doc, start, scales):
                clues.append((code, kinds["currency"], start))
        named = {code for code, _, _ in countries}
        crowded = len(named) >= common["comparison_countries"]
        # a comparison cue discounts what it introduces, not the subject named apart from it:
        # 'Италия первой в ЕС…', 'Kazakhstan follows the example of Korea' keep Italy and Kazakhstan whole.
        # In az and kk the compared noun comes just before the cue ('АҚШ тәжірибесі', 'ABŞ təcrübəsində').
        cues = [start for _, start, _ in s.of("COMPARE")]
        before = rules.get("compare_before")
        for code, kind_weight, start in clues:
            compared = crowded or any(c - before <= start < c if before else start >= c for c in cues)
            weight[code] += where * kind_weight * (common["comparison_weight"] if compared else 1.0)
            if not compared:
                whole.add(code)
            first_seen.setdefault(code, start)
    # a body that only hints at a country (DİN, 'Сенат' in Russian or Kazakh) speaks when nothing else
    # does, or when the countries named are only compared ('Сенатор АҚШ тәжірибесін еске салды'), or
    # adds to a country other clues already name; beside a country of the story's own it brings none in
    for code, w in hinted.items():
        if code in weight or not whole:
            weight[code] += w
    return weight, first_seen


def _outermost(spans):
    """Spans not inside a longer one: 'National People's Congress' is not also 'Congress'."""
    return [(n, s, e) for n, s, e in spans
            if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for _, s2, e2 in spans)]


def _after_amount(doc, start: int, scales: dict) -> bool:
    """A currency word is a clue only as the unit of an amount ('500 manat', '10 тыс. рублей'):
    'won' alone is a verb, 'som' a word of many languages."""
    if start == 0:
        return False
    prev = doc[start - 1]
    if prev.text == ".":
        prev = doc[start - 2] if start > 1 else prev
    return prev.like_num or prev.lemma_ in scales or prev.lower_.rstrip(".") in scales
