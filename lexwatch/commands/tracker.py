"""`lexwatch tracker` — one row per instrument track: jurisdiction, instrument, current stage and
date, the stage history with dates, penalties in short, sources by language and outlet."""
from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _day(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a day YYYY-MM-DD") from None
    if len(value) != 10:
        raise argparse.ArgumentTypeError(f"{value!r} is not a day YYYY-MM-DD")
    return value


def add_tracker_options(p) -> None:
    p.add_argument("--country", type=_csv, default=[], metavar="AZ,KZ", help="jurisdiction(s), ISO 3166-1 alpha-2")
    p.add_argument("--stage", type=_csv, default=[], metavar="signed,…",
                   help="current stage(s): proposal committee reading adopted signed in_force guidance enforcement")
    p.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="tracks with a development on or after this day")
    p.add_argument("--instrument", action="append", default=[], metavar="NAME",
                   help="an instrument key or its name in any language ('закон об искусственном интеллекте'); "
                        "repeatable")


def register(sub, common):
    p = sub.add_parser("tracker", parents=[common], help="each law's track through its stages",
                       description="One row per instrument track (a law, a code, an act in one jurisdiction): "
                                   "its current stage and date, its stage history, penalties in short and its "
                                   "sources by language and outlet. Developments are kept up to date by the "
                                   "crawl; `lexwatch developments rebuild` recomputes them.")
    add_tracker_options(p)
    p.add_argument("--csv", action="store_true", help="CSV on stdout (one row per track)")
    p.set_defaults(func=run)


def tracker_rows(store, args) -> list[dict]:
    from lexwatch.developments.tracks import find_tracks, track_row
    return [track_row(t) for t in find_tracks(store, countries=args.country, stages=args.stage, since=args.since,
                                              instruments=args.instrument)]


def run(args) -> int:
    from lexwatch.developments.tracks import CSV_COLUMNS, csv_row
    from lexwatch.index import open_store
    with open_store(args.store) as store:
        rows = tracker_rows(store, args)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_row(r) for r in rows)
    else:
        print(render_tracker(rows))
    return 0


def render_tracker(rows: list[dict]) -> str:
    if not rows:
        return "(no instrument tracks match; run `lexwatch developments rebuild` after a tagger change)"
    lines = []
    for r in rows:
        langs = " · ".join(f"{k} {v}" for k, v in r["languages"].items())
        outlets = ", ".join(f"{k} {v}" for k, v in r["outlets"].items())
        lines.append(f"{r['jurisdiction'] or '--'}  {r['instrument']}: {r['current_stage']} {r['current_day']}"
                     f"   ({r['sources']} sources: {langs}; {outlets})")
        lines.append("    " + " → ".join(f"{h['stage']} {h['first_day']}" for h in r["history"]))
        if r["penalties"]:
            lines.append(f"    penalties: {r['penalties']}")
    return "\n".join(lines)
