"""Payloads of the Tracker view and its API (/tracker, /api/tracker, /api/development/<id>) and the
development groups of a result list. Same rule as api.py: the page renders exactly what the API returns."""
from __future__ import annotations

import re
from typing import Any

from lexwatch.developments.model import Development, DevelopmentQuery
from lexwatch.developments.tracks import find_tracks, stage_name, track_row
from lexwatch.index.store import Store
from lexwatch.web.params import ParamError, _CODE, _day, _many

_DEVELOPMENT_ID = re.compile(r"^[0-9a-f]{20}$")
TRACKER_PARAMS = ("country", "stage", "since", "instrument")
LANGUAGE_ORDER = ("az", "kk", "ru", "en")


def tracker_params(raw: dict[str, list[str]]) -> dict[str, Any]:
    unknown = sorted(set(raw) - set(TRACKER_PARAMS))
    if unknown:
        raise ParamError(f"unknown parameter(s): {', '.join(unknown)}; known: {', '.join(TRACKER_PARAMS)}")
    countries = [c.upper() for c in _many(raw, "country")]
    for code in countries:
        if not _CODE.match(code):
            raise ParamError(f"country must be a two-letter code such as AZ, not {code!r}")
    return {"country": countries, "stage": _many(raw, "stage"), "since": _day(raw, "since"),
            "instrument": _many(raw, "instrument")}


def _sources(dev: Development) -> list[dict[str, Any]]:
    """The development's articles, grouped by language (the site's languages first)."""
    by_lang: dict[str, list[dict[str, Any]]] = {}
    for m in dev.members:
        by_lang.setdefault(m.language or "?", []).append(
            {"id": m.id, "url": m.url, "title": m.title, "outlet": m.outlet, "day": m.day})
    order = {lang: i for i, lang in enumerate(LANGUAGE_ORDER)}
    return [{"language": lang, "articles": sorted(items, key=lambda a: (a["day"], a["outlet"]))}
            for lang, items in sorted(by_lang.items(), key=lambda kv: (order.get(kv[0], 9), kv[0]))]


def development_payload(dev: Development) -> dict[str, Any]:
    return {"id": dev.id, "track_id": dev.track_id, "jurisdiction": dev.jurisdiction,
            "instrument_key": dev.instrument, "instrument": dev.instrument_label, "stage": stage_name(dev),
            "first_day": dev.first_day, "last_day": dev.last_day, "title": dev.title, "refs": dev.refs,
            "penalties": dev.penalties, "languages": dev.languages, "outlets": dev.outlets,
            "sources": _sources(dev)}


def tracker_payload(store: Store, params: dict[str, Any]) -> dict[str, Any]:
    tracks = find_tracks(store, countries=params["country"], stages=params["stage"], since=params["since"],
                         instruments=params["instrument"], members=True)
    countries: dict[str, list[dict[str, Any]]] = {}
    for track in tracks:
        row = track_row(track)
        row["steps"] = [development_payload(d) for d in track.developments]
        countries.setdefault(track.jurisdiction or "--", []).append(row)
    return {"filters": {k: v for k, v in params.items() if v}, "tracks": sum(len(v) for v in countries.values()),
            "countries": [{"code": code, "tracks": rows} for code, rows in countries.items()]}


def one_development(store: Store, development_id: str) -> dict[str, Any] | None:
    if not _DEVELOPMENT_ID.match(development_id):
        return None
    found = store.list_developments(DevelopmentQuery(ids=[development_id]), members=True)
    return development_payload(found[0]) if found else None


def development_groups(store: Store, hits: list[dict[str, Any]]) -> None:
    """Give each hit its development ('3 versions: az · ru · en'); a later hit of a development
    already shown on the page is marked `folded` (the page lists it under the first)."""
    ids = [h["id"] for h in hits]
    if not ids:
        return
    owner: dict[str, Development] = {}
    for dev in store.developments_touching(ids, []):
        for article_id in dev.article_ids:
            owner[article_id] = dev
    shown: set[str] = set()
    for hit in hits:
        dev = owner.get(hit["id"])
        if dev is None:
            hit["development"] = None
            continue
        versions = [{"id": m.id, "language": m.language, "outlet": m.outlet} for m in dev.members if m.id != hit["id"]]
        languages = sorted({m.language or "?" for m in dev.members},
                           key=lambda lang: (LANGUAGE_ORDER.index(lang) if lang in LANGUAGE_ORDER else 9, lang))
        hit["development"] = {"id": dev.id, "track_id": dev.track_id, "stage": stage_name(dev),
                              "instrument": dev.instrument_label, "count": len(dev.members),
                              "languages": languages, "versions": versions, "folded": dev.id in shown}
        shown.add(dev.id)
