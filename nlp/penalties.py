"""Penalties stated in an article: an amount with a unit, tied to the nearest penalty word.

An amount is a penalty only when a penalty word (fine, лишение свободы, cərimə, 'punishable')
is the nearest cue in its sentence; a nearer 'damages'/'budget'/'price' cue makes it ordinary
money. The unit decides which kinds fit (hours are never imprisonment; manats never prison).
"""
from __future__ import annotations

from lexwatch.nlp.quantities import MONEY_UNITS, Quantity, find_quantities

# Words that bind two kinds of sanction to one term. Not a comma: in 'restriction of liberty, or
# imprisonment for up to three years' the list's first item states no term of its own.
KIND_JOINERS = frozenset({"or", "или", "либо", "və", "ya", "yaxud", "немесе", "не"})
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
LIST_ITEM_TOKENS = 24  # a line this short with an amount and no cue is an item of a list of penalties
LIST_LEAD_LOOKBACK = 6  # list items a lead line may head


def _kinds_for(unit: str) -> tuple[str, ...]:
    return ("fine",) if unit in MONEY_UNITS else TIME_KINDS.get(unit, ())


def extract_penalties(doc, analyzer, matches, sentences: set[int] | None = None) -> list[dict]:
    """Penalty dicts per the Article schema. `sentences`: start tokens of sentences to read
    (None = all)."""
    strings = analyzer.nlp.vocab.strings
    cues = [(strings[m][5:], s, e) for m, s, e in matches if strings[m].startswith("KIND_")
            and not (strings[m] == "KIND_not_penalty" and _inside_compound(doc, s))]
    # CIS codes give custodial terms in days as administrative arrest; '90 days in jail' in US
    # reporting is a jail term (nlp/rules/en.yaml: prison_days_are_arrest: false)
    days_arrest = analyzer.rules.get("prison_days_are_arrest", True)
    penalties: list[tuple[dict, bool]] = []
    terms: list[tuple[int, dict]] = []           # (token, penalty) of stated terms, for 'the same period'
    for q in find_quantities(doc, analyzer, matches):
        if q.consumed:
            continue
        sent = doc[q.start].sent
        if sentences is not None and sent.start not in sentences:
            continue
        kind = _nearest_kind(q, cues, sent, days_arrest=days_arrest)
        if kind is None and _looks_listed(doc, sent, q) and not _has_cue(cues, sent):
            kind = _kind_from_list_lead(q, cues, doc, sent)
        if kind is None:
            continue
        penalties.append((_as_dict(q, kind, doc, cues), q.approx))
        if q.unit not in MONEY_UNITS:
            terms.append((q.start, penalties[-1][0]))
            for other in _coordinated_kinds(q, kind, cues, doc, sent):
                penalties.append(({**penalties[-1][0], "kind": other}, q.approx))
    penalties += [(p, False) for p in _same_terms(doc, strings, matches, cues, terms, sentences)]
    penalties = _join_split_ranges(penalties)
    # 'up to five years' in the headline restates the top of 'one to five years' in the body
    ranged = {(p["kind"], p["max"], p["unit"]) for p, _ in penalties if p["min"] is not None and p["max"] is not None}
    penalties = [(p, a) for p, a in penalties
                 if not (p["min"] is None and (p["kind"], p["max"], p["unit"]) in ranged)]
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
    return out


def _same_terms(doc, strings, matches, cues, terms, sentences) -> list[dict]:
    """'ограничение свободы на тот же срок', 'restriction of liberty for the same period': a second
    kind of penalty that repeats the term stated just before it in the sentence."""
    out = []
    for m, s, e in matches:
        if strings[m] != "SAME":
            continue
        sent = doc[s].sent
        if sentences is not None and sent.start not in sentences:
            continue
        kinds = [(k, ks) for k, ks, ke in cues if k in TIME_KINDS["years"] and 0 <= s - ke <= 4]
        earlier = [(t, p) for t, p in terms if sent.start <= t < s]
        if not kinds or not earlier:
            continue
        kind, start = max(kinds, key=lambda k: k[1])
        term = max(earlier, key=lambda x: x[0])[1]
        if kind != term["kind"] and kind in _kinds_for(term["unit"]):
            out.append({**term, "kind": kind, "equivalent": None, "text": doc[start:e].text})
    return out


def _coordinated_kinds(q: Quantity, kind: str, cues, doc, sent) -> list[str]:
    """'ограничение свободы или лишение свободы до 3 лет': kinds joined by 'or' before one term
    share it."""
    allowed = _kinds_for(q.unit)
    before = sorted((c for c in cues if c[1] >= sent.start and c[2] <= q.start and c[0] in allowed), key=lambda c: c[1])
    mine = [c for c in before if c[0] == kind]
    if not mine:
        return []
    chain = [mine[-1]]
    out: list[str] = []
    for other in reversed(before):
        first = chain[-1]
        if other[2] > first[1] or other[0] in out or other[0] == kind:
            continue
        gap = doc[other[2]:first[1]]
        if 1 <= len(gap) <= 2 and all(t.lower_ in KIND_JOINERS for t in gap):
            out.append(other[0])
            chain.append(other)
    return out


BULLETS = frozenset("-–—•*·●▪►")


def _looks_listed(doc, sent, q: Quantity) -> bool:
    """A list item: a short line that opens with a bullet, or names who pays before a dash or a
    colon ('Жеке тұлғаларға – 15 АЕК', 'individuals: 15 MRP')."""
    if len(sent) > LIST_ITEM_TOKENS:
        return False
    return sent[0].text in BULLETS or any(t.text in BULLETS or t.text == ":" for t in doc[sent.start:q.start])


def _inside_compound(doc, start: int) -> bool:
    """'non-profit organisations' is not money that is not a penalty."""
    return start > 0 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_


def _has_cue(cues, sent) -> bool:
    return any(sent.start <= s and e <= sent.end and kind != "not_penalty" for kind, s, e in cues)


def _kind_from_list_lead(q: Quantity, cues, doc, sent) -> str | None:
    """'Айыппұл мөлшері:' then one line per offender ('Жеке тұлғаларға – 15 АЕК (64 875 теңге)'):
    an item takes its kind from the line that heads the list, the nearest earlier line with a cue
    across at most LIST_LEAD_LOOKBACK other short lines."""
    current = sent
    for _ in range(LIST_LEAD_LOOKBACK):
        if current.start == 0:
            return None
        current = doc[current.start - 1].sent
        if _has_cue(cues, current):
            anchor = Quantity(current.end, current.end, q.min, q.max, q.unit)
            return _nearest_kind(anchor, cues, current, reach=len(current))
        if len(current) > LIST_ITEM_TOKENS:
            return None
    return None


MONTHS_IN = {"years": 12, "months": 1}


def _join_split_ranges(penalties: list[tuple[dict, bool]]) -> list[tuple[dict, bool]]:
    """'altı aydan iki ilədək', 'from six months to two years': a range whose ends have different
    units is read as two open terms; join them in the smaller unit (6 to 24 months)."""
    out: list[tuple[dict, bool]] = []
    for p, approx in penalties:
        if out:
            prev, prev_approx = out[-1]
            if (prev["kind"] == p["kind"] and prev["min"] is not None and prev["max"] is None
                    and p["min"] is None and p["max"] is not None and prev["unit"] != p["unit"]
                    and {prev["unit"], p["unit"]} <= MONTHS_IN.keys() and prev["text"] == p["text"]):
                low, high = prev["min"] * MONTHS_IN[prev["unit"]], p["max"] * MONTHS_IN[p["unit"]]
                out[-1] = ({**prev, "min": _num(low), "max": _num(high), "unit": "months"}, prev_approx)
                continue
        out.append((p, approx))
    return out


def _nearest_kind(q: Quantity, cues, sent, reach: int = MAX_CUE_DISTANCE, days_arrest: bool = True) -> str | None:
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
        if distance > reach + GENERIC_HANDICAP:
            continue
        if kind == "generic":
            resolved = "fine" if q.unit in MONEY_UNITS else GENERIC_KIND.get(q.unit)
            rank = 1
            distance += GENERIC_HANDICAP
        elif kind == "not_penalty":
            resolved, rank = None, 0
        elif kind in allowed:
            resolved, rank = kind, 0
            if kind == "imprisonment" and q.unit == "days" and days_arrest:
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
