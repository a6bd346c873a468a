"""Instrument tracks from stored developments, and the tracker's rows (CLI, exports, API, web page).

A track's developments are all of its track_id's, whatever the filters: --since and --country pick
tracks, they do not cut their history short.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from lexwatch.article import STAGES
from lexwatch.developments.keys import vocabulary
from lexwatch.developments.model import Development, DevelopmentQuery, Track
from lexwatch.developments.penalties import merge_penalties
from lexwatch.index.store import QueryError, Store
from lexwatch.penalties import penalties_short

CSV_COLUMNS = ("jurisdiction", "instrument", "instrument_key", "current_stage", "current_day", "first_day",
               "history", "penalties", "sources", "languages", "outlets", "track_id")


def resolve_instrument(text: str) -> str:
    """An instrument key from a key, a label in any language or a tagger name ('закон об искусственном
    интеллекте', 'Law on Artificial Intelligence', 'law-on-artificial-intelligence')."""
    wanted = " ".join(text.split()).casefold()
    for key, entry in vocabulary().items():
        names = [key, entry.get("label", "")] + list((entry.get("labels") or {}).values()) + list(entry.get("tagged", []))
        if wanted in (n.casefold() for n in names if n):
            return key
    raise QueryError(f"instrument {text!r} is not in the vocabulary (lexwatch/developments/instruments.yaml); "
                     f"known keys: {', '.join(sorted(vocabulary()))}")


def build_tracks(developments: list[Development]) -> list[Track]:
    by_track: dict[str, list[Development]] = {}
    for dev in developments:
        by_track.setdefault(dev.track_id, []).append(dev)
    tracks = []
    for track_id, devs in by_track.items():
        devs.sort(key=lambda d: (d.first_day, _progress(d), d.id))
        head = devs[0]
        tracks.append(Track(track_id, head.jurisdiction, head.instrument, head.instrument_label, devs))
    return sorted(tracks, key=lambda t: (t.jurisdiction or "~", t.instrument is None, t.first_day, t.id))


def _progress(dev: Development) -> int:
    """Steps on one day in legislative order (read, then adopted)."""
    return STAGES.index(dev.stage) if dev.stage in STAGES else len(STAGES)


def find_tracks(store: Store, countries: list[str] | None = None, stages: list[str] | None = None,
                since: str | None = None, instruments: list[str] | None = None, members: bool = False) -> list[Track]:
    for stage in stages or []:
        if stage not in STAGES:
            raise QueryError(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    keys = [resolve_instrument(i) for i in instruments or []]
    query = DevelopmentQuery(jurisdictions=countries or [], instruments=keys, since=since)
    if since is None:   # country and instrument are the same on every step of a track: one question
        developments = store.list_developments(query, members=members)
    else:               # a track active since the day, with all of its history
        track_ids = sorted({d.track_id for d in store.list_developments(query, members=False)})
        if not track_ids:
            return []
        developments = store.list_developments(DevelopmentQuery(track_ids=track_ids), members=members)
    tracks = build_tracks(developments)
    if stages:
        tracks = [t for t in tracks if t.current.stage in stages]
    return tracks


def stage_name(dev: Development) -> str:
    stage = dev.stage or "unknown"
    return f"{stage} {dev.reading}" if stage == "reading" and dev.reading else stage


def track_row(track: Track) -> dict[str, Any]:
    languages: Counter = Counter()
    outlets: Counter = Counter()
    for dev in track.developments:
        languages.update(dev.languages)
        outlets.update(dev.outlets)
    penalties = merge_penalties([p for d in track.developments for p in d.penalties])
    return {
        "track_id": track.id, "jurisdiction": track.jurisdiction, "instrument_key": track.instrument,
        "instrument": track.instrument_label if track.instrument else track.developments[0].title,
        "current_stage": stage_name(track.current), "current_day": track.current.first_day,
        "first_day": track.first_day,
        "history": [{"stage": stage_name(d), "first_day": d.first_day, "last_day": d.last_day,
                     "sources": len(d.article_ids), "development_id": d.id, "title": d.title}
                    for d in track.developments],
        "penalties": penalties_short(penalties, "en"), "sources": sum(languages.values()),
        "languages": dict(sorted(languages.items())), "outlets": dict(sorted(outlets.items())),
    }


def csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """The flat form of a track row: history as 'committee 2026-03-12 → reading 1 2026-04-07'."""
    flat = dict(row)
    flat["history"] = " → ".join(f"{h['stage']} {h['first_day']}" for h in row["history"])
    flat["languages"] = " ".join(f"{k}:{v}" for k, v in row["languages"].items())
    flat["outlets"] = " ".join(f"{k}:{v}" for k, v in row["outlets"].items())
    return {c: flat.get(c) if flat.get(c) is not None else "" for c in CSV_COLUMNS}
