"""Penalties stated in an article: an amount with a unit, tied to the nearest penalty word.

An amount is a penalty only when a penalty word (fine, лишение свободы, cərimə, 'punishable')
is the nearest cue in its sentence; a nearer 'damages'/'budget'/'price' cue makes it ordinary
money. The unit decides which kinds fit (hours are never imprisonment; manats never prison).
"""
from __future__ import annotations

from lexwatch.nlp.quantities import MONEY_UNITS, Quantity, find_quantities

TIME_KINDS = {
    "years": ("imprisonment", "restriction_of_liberty", "correctional_labour", "arrest", "community_service"),
    "months": ("imprisonment", "restriction_of_liberty", "correctional_labour", "arrest"),
    "days": ("arrest", "imprisonment"),
    "hours": ("community_service",),
}
# What a generic cue ('punishable by', 'наказание', 'cəza') means for each unit.
GENERIC_KIND = {"years": "imprisonment", "months": "imprisonment", "days": "arrest", "hours": "community_service"}
GENERIC_HANDICAP = 3   # 'наказание ... ограничение свободы сроком на 2 года': the specific word decides
MAX_CUE_DISTANCE = 20  # tokens; further than this a cue belongs to another clause


def _kinds_for(unit: str) -> tuple[str, ...]:
    return ("fine",) if unit in MONEY_UNITS else TIME_KINDS.get(unit, ())


def extract_penalties(doc, analyzer, matches, sentences: set[int] | None = None) -> list[dict]:
    """Penalty dicts per the Article schema. `sentences`: start tokens of sentences to read
    (None = all)."""
    strings = analyzer.nlp.vocab.strings
    cues = [(strings[m][5:], s, e) for m, s, e in matches if strings[m].startswith("KIND_")]
    penalties: list[tuple[dict, bool]] = []
    for q in find_quantities(doc, analyzer, matches):
        if q.consumed:
            continue
        sent = doc[q.start].sent
        if sentences is not None and sent.start not in sentences:
            continue
        kind = _nearest_kind(q, cues, sent)
        if kind is None:
            continue
        penalties.append((_as_dict(q, kind, doc, cues), q.approx))
    exact = {(p["kind"], p["unit"]) for p, approx in penalties if not approx}
    exact_kinds = {p["kind"] for p, approx in penalties if not approx}
    out: list[dict] = []
    seen = set()
    for p, approx in penalties:
        # 'almost 400 thousand tenge' restates a bound already given exactly: not a second penalty
        if approx and p["kind"] in exact_kinds:
            continue
        key = (p["kind"], p["min"], p["max"], p["unit"])
        if key in seen:
            continue
        seen.add(key)
        out.append(p)
    del exact
    return out


def _nearest_kind(q: Quantity, cues, sent) -> str | None:
    allowed = _kinds_for(q.unit)
    if not allowed:
        return None
    best = None
    for kind, s, e in cues:
        if s < sent.start or e > sent.end:
            continue
        if s >= q.start and e <= q.end:
            distance = 0
        elif e <= q.start:
            distance = q.start - e
        elif s >= q.end:
            distance = s - q.end + 0.5      # a cue before the amount wins a tie
        else:
            distance = 0
        if distance > MAX_CUE_DISTANCE + GENERIC_HANDICAP:
            continue
        if kind == "generic":
            resolved = "fine" if q.unit in MONEY_UNITS else GENERIC_KIND.get(q.unit)
            rank = 1
            distance += GENERIC_HANDICAP
        elif kind == "not_penalty":
            resolved, rank = None, 0
        elif kind in allowed:
            resolved, rank = kind, 0
            if kind == "imprisonment" and q.unit == "days":
                resolved = "arrest"
        else:
            continue
        candidate = (distance, rank, resolved)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    return best[2] if best else None


def _as_dict(q: Quantity, kind: str, doc, cues) -> dict:
    start, end = q.start, q.end
    for k, s, e in cues:
        if k == kind or k == "generic":
            if 0 <= q.start - e <= 6:
                start = min(start, s)
            elif 0 <= s - q.end <= 4:
                end = max(end, e)
    return {"kind": kind, "min": _num(q.min), "max": _num(q.max), "unit": q.unit,
            "equivalent": ({"min": _num(q.equivalent["min"]), "max": _num(q.equivalent["max"]),
                            "unit": q.equivalent["unit"]} if q.equivalent else None),
            "text": doc[start:end].text}


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)
