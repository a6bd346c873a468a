"""Filter options shared by search, timeline, alerts and export, so they read the same everywhere."""
from __future__ import annotations

import argparse

from lexwatch.index.store import Filters


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters")
    group.add_argument("--lang", type=_csv, default=[], metavar="az,ru,en", help="detected article language(s)")
    group.add_argument("--outlet", type=_csv, default=[], metavar="OUTLET,…",
                       help="outlet name(s) of the registry (lexwatch/outlets/; `lexwatch sites list`)")
    group.add_argument("--country", type=_csv, default=[], metavar="AZ,KZ",
                       help="jurisdiction(s), ISO 3166-1 alpha-2")
    group.add_argument("--stage", type=_csv, default=[], metavar="proposal,adopted,…",
                       help="legislative stage(s): proposal committee reading adopted signed in_force "
                            "guidance enforcement")
    group.add_argument("--from", dest="date_from", metavar="DATE",
                       help="published on or after: YYYY-MM-DD (the outlet's local day) or ISO datetime")
    group.add_argument("--to", dest="date_to", metavar="DATE", help="published on or before (inclusive)")
    group.add_argument("--relevant", action="store_true",
                       help="only articles reporting a deepfake-regulation development")


def filters_from_args(args: argparse.Namespace) -> Filters:
    return Filters(languages=args.lang, outlets=args.outlet, jurisdictions=args.country, stages=args.stage,
                   relevant=True if args.relevant else None, date_from=args.date_from, date_to=args.date_to)
