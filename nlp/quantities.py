"""Numbers and amounts-with-units in a spaCy Doc: '3,000 to 7,000 manats', 'до семи лет',
'üç ildən beş ilədək', 'от 15 до 100 МРП (от 59 тыс. до 393 тыс. тенге)'.

Works on the labelled spans of the rule PhraseMatcher (UNIT_*, MOD_*) plus number tokens and
number words from the rule vocabulary, so every language shares one grammar.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

MONEY_UNITS = frozenset({"AZN", "KZT", "RUB", "UZS", "KGS", "GEL", "USD", "EUR", "MRP", "BRV",
                         "KRW", "CNY", "GBP", "TRY", "SGD", "AUD"})
INDEX_UNITS = frozenset({"MRP", "BRV"})   # statutory units whose tenge/som value is often given in brackets
TERM_UNITS = frozenset({"years", "months", "days", "hours"})
PREFIX_SIGNS = frozenset({"$", "€", "£", "¥", "₩", "₺", "₸", "₽", "USD", "EUR"})
LIST_JOINERS = frozenset({",", "and", "or", "и", "или", "либо", "və", "yaxud", "ya", "және", "немесе", "мен", "/"})
UNIT_REACH = 12   # tokens: '10–50 тыс. рублей для граждан, 100–200 тыс. — для должностных лиц' says the unit once

_DIGITS = re.compile(r"^\d+(?:[.,]\d+)*$")
_GROUPED = re.compile(r"^\d{1,3}(?:([,.])\d{3})+$")
_SUFFIXED = re.compile(r"^(\d+(?:[.,]\d+)?)(k|m|mln|bn)$", re.I)
_SUFFIX_SCALE = {"k": 1e3, "m": 1e6, "mln": 1e6, "bn": 1e9}


@dataclass
class Number:
    value: float
    start: int
    end: int
    scaled: bool = False


@dataclass
class Quantity:
    start: int
    end: int
    min: float | None
    max: float | None
    unit: str
    approx: bool = False
    equivalent: dict | None = None
    consumed: bool = False
    numbers: list[Number] = field(default_factory=list)
    group: int | None = None      # amounts of one enumeration ('30, 50, 70 and 200 MRP') share it


def _digit_value(text: str, language: str) -> float | None:
    if not _DIGITS.match(text):
        return None
    if _GROUPED.match(text):                        # 3,000 / 3.000: thousands separators
        return float(re.sub(r"[,.]", "", text))
    if text.count(",") == 1 and "." not in text:
        return float(text.replace(",", "."))        # 1,5 млн
    if text.count(".") == 1 and "," not in text:
        return float(text)
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def find_numbers(doc, analyzer) -> list[Number]:
    """Numbers with their scale words, in token order: '3 000', '3,000', '59 тыс.', 'двадцать пять', '59k'."""
    out: list[Number] = []
    i, n = 0, len(doc)
    words, scales = analyzer.numbers, analyzer.scales
    while i < n:
        tok = doc[i]
        value = _digit_value(tok.text, analyzer.language)
        start = i
        scaled = False
        if value is not None:
            i += 1
            # '3 000 000': space-separated thousands groups
            while (i < n and len(doc[i].text) == 3 and doc[i].text.isdigit() and doc[i - 1].whitespace_
                   and doc[i - 1].text.isdigit() and len(doc[i - 1].text) <= 3):
                value = value * 1000 + float(doc[i].text)
                i += 1
        elif _SUFFIXED.match(tok.text):
            m = _SUFFIXED.match(tok.text)
            value = float(m.group(1).replace(",", ".")) * _SUFFIX_SCALE[m.group(2).lower()]
            scaled = True
            i += 1
        elif tok.lemma_ in words or tok.lower_ in words:
            total, current = 0.0, 0.0
            while i < n and (doc[i].lemma_ in words or doc[i].lower_ in words):
                v = words.get(doc[i].lemma_, words.get(doc[i].lower_))
                if v == 100 and current:
                    current *= 100
                else:
                    current += v
                i += 1
            value = total + current
        elif tok.lemma_ in scales and (i == 0 or not doc[i - 1].like_num):
            # a bare scale word is a number itself: 'min manatadək' (up to a thousand manats)
            value = scales[tok.lemma_]
            out.append(Number(value, i, i + 1, True))
            i += 1
            continue
        else:
            i += 1
            continue
        if i < n and (doc[i].lemma_ in scales or doc[i].lower_ in scales or doc[i].lower_.rstrip(".") in scales):
            key = doc[i].lemma_ if doc[i].lemma_ in scales else doc[i].lower_ if doc[i].lower_ in scales else doc[i].lower_.rstrip(".")
            value *= scales[key]
            scaled = True
            i += 1
            if i < n and doc[i].text == ".":
                i += 1
        out.append(Number(value, start, i, scaled))
    return out


class _Spans:
    """Matcher spans of one doc indexed by start and end token."""

    def __init__(self, doc, matches, strings):
        self.by_start: dict[int, list[tuple[str, int]]] = {}
        self.by_end: dict[int, list[tuple[str, int]]] = {}
        for match_id, s, e in matches:
            label = strings[match_id]
            self.by_start.setdefault(s, []).append((label, e))
            self.by_end.setdefault(e, []).append((label, s))

    def starting(self, i: int, prefix: str) -> list[tuple[str, int]]:
        return [(lab[len(prefix):], e) for lab, e in self.by_start.get(i, []) if lab.startswith(prefix)]

    def ending(self, i: int, prefix: str) -> list[tuple[str, int]]:
        return [(lab[len(prefix):], s) for lab, s in self.by_end.get(i, []) if lab.startswith(prefix)]


def _unit_after(spans: _Spans, doc, i: int) -> tuple[str | None, int, str | None]:
    """Unit span starting at i (a dot or hyphen may sit between): (unit, end, bound)."""
    for j in (i, i + 1):
        units = spans.starting(j, "UNIT_")
        if units and (j == i or doc[i].text in (".", "-")):
            unit, end = max(units, key=lambda u: u[1])
            return unit, end, doc[end - 1]._.bound
    return None, i, None


def find_quantities(doc, analyzer, matches) -> list[Quantity]:
    spans = _Spans(doc, matches, analyzer.nlp.vocab.strings)
    numbers = find_numbers(doc, analyzer)
    by_start = {num.start: num for num in numbers}
    out: list[Quantity] = []
    k = 0
    while k < len(numbers):
        a = numbers[k]
        unit, end, bound = _unit_after(spans, doc, a.end)
        lead = a.start
        if unit is None:   # '$5,000', 'USD 500', '€10 million'
            before = [u for u in spans.ending(a.start, "UNIT_")]
            if before and (doc[a.start - 1].text in PREFIX_SIGNS or before[0][0] in ("USD", "EUR")
                           or doc[a.start - 1].text == before[0][0]):      # '£18 million', 'KRW 30 million'
                unit, lead = before[0][0], before[0][1]
                end = a.end
        from_mark = bound == "from" or (unit is None and doc[a.end - 1]._.bound == "from")   # 10 мыңнан
        i = end if unit else a.end
        if unit and (_is_age(doc, a, end) or _is_calendar(unit, a)):
            k += 1
            continue
        hop = i + 1 if i < len(doc) and doc[i].text in ("-", "–") else i     # 3 000-dən
        if hop < len(doc) and any(lab == "from_after" for lab, _ in spans.starting(hop, "MOD_")):
            from_mark, i = True, max(e for lab, e in spans.starting(hop, "MOD_") if lab == "from_after")
        pre, lead = _markers_before(spans, lead)
        from_mark = from_mark or "from" in pre
        if unit is None and not from_mark:     # not 'between 200 and 400 euros'
            listed = _enumeration(numbers, k, doc, spans)
            if listed:
                out += listed
                k = numbers.index(listed[-1].numbers[0]) + 1
                continue
        # A range: A [unit] (to|до|-|and-after-between) B unit, or A-from B-up-to (az/kk)
        conn = [e for lab, e in spans.starting(i, "MOD_") if lab == "to"]
        j = max(conn) if conn else i
        if not conn and doc[i:i + 1].text.lower() in ("and", "и", "və") and "from" in pre:
            j = i + 1
        b = by_start.get(j)
        if b is not None and (conn or from_mark or j > i):
            b_unit, b_end, b_bound = _unit_after(spans, doc, b.end)
            if b_unit is None and unit is None and (a.scaled or b.scaled or from_mark):
                unit = _unit_said_before(out, doc, a)
            if b_unit is None and unit is not None and not conn:
                b = None
            elif unit is not None and b_unit is not None and b_unit != unit:
                b = None
            if b is not None and _is_calendar(b_unit or unit or "", b):
                k = numbers.index(b) + 1
                continue
            if b is not None and (b_unit or unit):
                lo, hi = a.value, b.value
                if b.scaled and not a.scaled and lo * (b.value / _base(b, doc, analyzer)) <= hi:
                    lo = lo * (b.value / _base(b, doc, analyzer))
                q_end = b_end if b_unit else b.end
                q = Quantity(lead, q_end, lo, hi, b_unit or unit, approx="approx" in pre, numbers=[a, b])
                _post_markers(spans, doc, q, b_bound)
                out.append(q)
                k = numbers.index(b) + 1
                continue
        if unit is None and a.scaled:
            unit = _unit_said_before(out, doc, a)
        if unit is None:
            k += 1
            continue
        q = Quantity(lead, end, a.value, a.value, unit, approx="approx" in pre, numbers=[a])
        if "up_to" in pre or bound == "up_to":
            q.min = None
        elif "at_least" in pre or from_mark:
            q.max = None
        _post_markers(spans, doc, q, None)
        out.append(q)
        k += 1
    _attach_listed_equivalents(doc, out)
    _attach_equivalents(doc, out)
    return out


def _base(num: Number, doc, analyzer) -> float:
    """The bare number before its scale word (for '3 to 7 thousand')."""
    for t in doc[num.start:num.end]:
        v = _digit_value(t.text, analyzer.language)
        if v is not None:
            return v
        w = analyzer.numbers.get(t.lemma_, analyzer.numbers.get(t.lower_))
        if w is not None:
            return w
    return num.value


def _enumeration(numbers: list[Number], k: int, doc, spans: _Spans) -> list[Quantity]:
    """'30, 50, 70 and 200 MRP', '129,750, 216,250 и 865,000 тенге': numbers joined by commas or
    'and'/'or' with the unit said once after the last; each is an amount of its own."""
    items = [numbers[k]]
    j = k + 1
    while j < len(numbers):
        prev, nxt = items[-1], numbers[j]
        gap = doc[prev.end:nxt.start]
        if not 1 <= len(gap) <= 2 or any(t.lower_ not in LIST_JOINERS for t in gap):
            break
        items.append(nxt)
        j += 1
        unit, end, _ = _unit_after(spans, doc, nxt.end)
        if unit is not None:
            if unit in TERM_UNITS and any(_is_calendar(unit, n) for n in items):
                return []
            group = numbers[k].start
            return [Quantity(n.start, end if n is nxt else n.end, n.value, n.value, unit, numbers=[n], group=group)
                    for n in items]
    return []


def _is_calendar(unit: str, num: Number) -> bool:
    """'2023–2024 годах', 'in 2025 years' are calendar years, never a term."""
    return unit == "years" and num.value >= 1000


def _unit_said_before(out: list[Quantity], doc, num: Number) -> str | None:
    """A money unit said once for several amounts of the same sentence: the previous amount's unit,
    when that amount ends at most UNIT_REACH tokens earlier in the same sentence."""
    if not out:
        return None
    last = out[-1]
    if last.unit not in MONEY_UNITS or num.start - last.end > UNIT_REACH:
        return None
    if doc[last.start].sent.start != doc[num.start].sent.start:
        return None
    return last.unit


def _is_age(doc, num: Number, unit_end: int) -> bool:
    """'a 27-year-old man' is an age, not a term."""
    return (num.end < len(doc) and doc[num.end].text == "-" and unit_end + 1 < len(doc)
            and doc[unit_end].text == "-" and doc[unit_end + 1].lower_ == "old")


def _markers_before(spans: _Spans, i: int) -> tuple[set[str], int]:
    """Modifier labels of the (up to three) consecutive marker spans right before token i, and
    where the first of them starts."""
    found: set[str] = set()
    pos = i
    for _ in range(3):
        mods = spans.ending(pos, "MOD_")
        mods = [(lab, s) for lab, s in mods if lab in ("from", "up_to", "at_least", "approx")]
        if not mods:
            break
        found.update(lab for lab, _ in mods)
        pos = min(s for _, s in mods)
    if "from" in found and "up_to" in found:
        found.discard("up_to")
    return found, pos


def _post_markers(spans: _Spans, doc, q: Quantity, bound: str | None) -> None:
    at = q.end + 1 if q.end < len(doc) and doc[q.end].text in ("-", "–") else q.end   # 20 BRV-dək
    if at > q.end and at < len(doc) and doc[at].is_alpha and len(doc[at]) <= 3 and not spans.starting(at, "MOD_"):
        at += 1                                                                       # 100 АЕК-ке дейін
    after = {lab: e for lab, e in spans.starting(at, "MOD_") if lab.endswith("_after")}
    if "up_to_after" in after or (bound == "up_to" and q.min == q.max):
        if q.min == q.max:
            q.min = None
        q.end = after.get("up_to_after", q.end)
    elif "at_least_after" in after:
        q.max = None
        q.end = after["at_least_after"]
    if "approx_after" in after:
        q.approx = True
        q.end = after["approx_after"]


def _attach_listed_equivalents(doc, quantities: list[Quantity]) -> None:
    """'30, 50 and 200 MRP respectively, or 129,750, 216,250 and 865,000 tenge': two enumerations
    of the same length, the second in money, pair up item by item."""
    groups: dict[int, list[Quantity]] = {}
    for q in quantities:
        if q.group is not None:
            groups.setdefault(q.group, []).append(q)
    ordered = sorted(groups.values(), key=lambda g: g[0].start)
    for first, second in zip(ordered, ordered[1:]):
        if (len(first) == len(second) and first[0].unit in MONEY_UNITS and second[0].unit in MONEY_UNITS
                and first[0].unit != second[0].unit and 0 <= second[0].start - first[-1].end <= 6):
            for q, r in zip(first, second):
                q.equivalent = {"min": r.min, "max": r.max, "unit": r.unit}
                r.consumed = True


def _attach_equivalents(doc, quantities: list[Quantity]) -> None:
    """'15 to 100 MRP (59,000 to 393,000 tenge)', '50 million won (about $36,000)': one amount stated
    twice, the second time in brackets and in another currency."""
    for q, r in zip(quantities, quantities[1:]):
        if (q.unit in MONEY_UNITS and r.unit in MONEY_UNITS - INDEX_UNITS and r.unit != q.unit
                and not r.consumed and not q.consumed):
            between = doc[q.end:r.start].text.strip()
            if between.startswith("(") and len(doc[q.end:r.start]) <= 4:
                # 'up to 30 million won (about $22,600)': the bracket restates the same bound
                lo = None if q.min is None and r.min == r.max else r.min
                q.equivalent = {"min": lo, "max": r.max, "unit": r.unit}
                r.consumed = True
                q.end = r.end + (1 if r.end < len(doc) and doc[r.end].text == ")" else 0)
