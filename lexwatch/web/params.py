"""The page's and the API's query string: one parser, so a page URL and its /api/ twin mean the same.

    q        the query (index/query.py syntax)       country  AZ, repeatable
    stage    proposal … enforcement, repeatable      outlet   report, repeatable
    lang     az | ru | en …, repeatable              from/to  YYYY-MM-DD, inclusive
    relevant 1 = only deepfake-relevant articles     sort     date | relevance
    page     1…                                      size     1…100
    interval week | month (also day, year)           split    country | stage | outlet | language | none
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from lexwatch.index.store import INTERVALS, MAX_RESULT_WINDOW, SORTS, Filters
from lexwatch.article import STAGES

MAX_QUERY_CHARS = 500
MAX_SIZE = 100
SPLIT_NAMES = {"country": "jurisdiction", "stage": "stage", "outlet": "outlet", "language": "language",
               "none": None}
_CODE = re.compile(r"^[A-Za-z]{2}$")
_NAME = re.compile(r"^[a-z0-9_-]{1,40}$")


class ParamError(ValueError):
    """A query-string value the user can correct; answered with 400 and this message."""


@dataclass
class Params:
    q: str = ""
    country: list[str] = field(default_factory=list)
    stage: list[str] = field(default_factory=list)
    outlet: list[str] = field(default_factory=list)
    lang: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    relevant: bool | None = None
    sort: str = "date"
    page: int = 1
    size: int = 20
    interval: str = "month"
    split: str = "country"
    group: str = "none"          # "development": one entry per development ("3 versions: az · ru · en")

    def filters(self, without: str | None = None) -> Filters:
        """The store filters; `without` drops one facet (its own options stay countable)."""
        return Filters(jurisdictions=[] if without == "country" else self.country,
                       stages=[] if without == "stage" else self.stage,
                       outlets=[] if without == "outlet" else self.outlet,
                       languages=[] if without == "lang" else self.lang,
                       relevant=self.relevant, date_from=self.date_from, date_to=self.date_to)

    @property
    def store_split(self) -> str | None:
        return SPLIT_NAMES[self.split]

    def query_items(self, **changes: object) -> list[tuple[str, str]]:
        """The state as (name, value) pairs, defaults left out, with `changes` applied."""
        values = {"q": self.q, "country": self.country, "stage": self.stage, "outlet": self.outlet,
                  "lang": self.lang, "from": self.date_from, "to": self.date_to,
                  "relevant": None if self.relevant is None else ("1" if self.relevant else "0"),
                  "sort": self.sort, "page": self.page, "size": self.size, "interval": self.interval,
                  "split": self.split, "group": self.group}
        values.update(changes)
        defaults = Params()
        default_values = {"sort": defaults.sort, "page": defaults.page, "size": defaults.size,
                          "interval": defaults.interval, "split": defaults.split, "group": defaults.group}
        items: list[tuple[str, str]] = []
        for name, value in values.items():
            if value in (None, "", []) or default_values.get(name) == value:
                continue
            for one in value if isinstance(value, list) else [value]:
                items.append((name, str(one)))
        return items

    def url(self, path: str = "/", **changes: object) -> str:
        query = urlencode(self.query_items(**changes))
        return f"{path}?{query}" if query else path


def _one(raw: dict[str, list[str]], name: str) -> str | None:
    values = raw.get(name) or []
    if len(values) > 1:
        raise ParamError(f"parameter {name!r} given {len(values)} times; give it once")
    value = values[0].strip() if values else ""
    return value or None


def _many(raw: dict[str, list[str]], name: str) -> list[str]:
    """Repeated (country=AZ&country=KZ) or comma-separated (country=AZ,KZ) values, deduplicated."""
    out: list[str] = []
    for value in raw.get(name) or []:
        for part in value.split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def _int(raw: dict[str, list[str]], name: str, default: int, low: int, high: int) -> int:
    value = _one(raw, name)
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise ParamError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
    return int(value)


def _day(raw: dict[str, list[str]], name: str) -> str | None:
    value = _one(raw, name)
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise ParamError(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None
    return value


def _choice(raw: dict[str, list[str]], name: str, allowed: tuple[str, ...] | list[str], default: str) -> str:
    value = _one(raw, name)
    if value is None:
        return default
    if value not in allowed:
        raise ParamError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def parse_params(raw: dict[str, list[str]], allowed_extra: tuple[str, ...] = ()) -> Params:
    """Validate a parsed query string (urllib.parse.parse_qs shape); raise ParamError on any bad value."""
    known = {"q", "country", "stage", "outlet", "lang", "from", "to", "relevant", "sort", "page", "size",
             "interval", "split", "group", *allowed_extra}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ParamError(f"unknown parameter(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    q = _one(raw, "q") or ""
    if len(q) > MAX_QUERY_CHARS:
        raise ParamError(f"q is longer than {MAX_QUERY_CHARS} characters")
    countries = [c.upper() for c in _many(raw, "country")]
    for code in countries:
        if not _CODE.match(code):
            raise ParamError(f"country must be a two-letter code such as AZ, not {code!r}")
    stages = _many(raw, "stage")
    for stage in stages:
        if stage not in STAGES:
            raise ParamError(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    outlets = [o.lower() for o in _many(raw, "outlet")]
    langs = [x.lower() for x in _many(raw, "lang")]
    for name, values in (("outlet", outlets), ("lang", langs)):
        for value in values:
            if not _NAME.match(value):
                raise ParamError(f"{name} {value!r} is not a plain name")
    relevant_raw = _one(raw, "relevant")
    relevant = {None: None, "1": True, "true": True, "on": True, "0": False, "false": False}.get(
        relevant_raw.lower() if relevant_raw else None, "bad")
    if relevant == "bad":
        raise ParamError(f"relevant must be 1 (only relevant) or 0 (only not relevant), not {relevant_raw!r}")
    params = Params(
        q=q, country=countries, stage=stages, outlet=outlets, lang=langs,
        date_from=_day(raw, "from"), date_to=_day(raw, "to"), relevant=relevant,  # type: ignore[arg-type]
        sort=_choice(raw, "sort", SORTS, "date"),
        page=_int(raw, "page", 1, 1, MAX_RESULT_WINDOW),
        size=_int(raw, "size", 20, 1, MAX_SIZE),
        interval=_choice(raw, "interval", INTERVALS, "month"),
        split=_choice(raw, "split", tuple(SPLIT_NAMES), "country"),
        group=_choice(raw, "group", ("none", "development"), "none"))
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise ParamError(f"from ({params.date_from}) is after to ({params.date_to})")
    if params.page * params.size > MAX_RESULT_WINDOW:
        raise ParamError(f"results beyond {MAX_RESULT_WINDOW} are not paged; narrow the search")
    return params
