"""`lexwatch timeline QUERY` — counts of matching articles per day/week/month/year."""
from __future__ import annotations

import json

from lexwatch.index import open_store
from lexwatch.commands.filters import add_filter_options, filters_from_args
from lexwatch.render import timeline_chart


def register(sub, common):
    p = sub.add_parser("timeline", parents=[common], help="chart matching articles over time",
                       description="Count matching articles per interval of their local publication day, "
                                   "optionally split by jurisdiction, stage, outlet or language.")
    p.add_argument("query", nargs="?", default="", metavar="QUERY")
    add_filter_options(p)
    p.add_argument("--interval", choices=("day", "week", "month", "year"), default="month")
    p.add_argument("--split", choices=("jurisdiction", "stage", "outlet", "language"), default=None)
    p.set_defaults(func=run)


def run(args):
    with open_store(args.store) as store:
        timeline = store.timeline(args.query, filters_from_args(args), interval=args.interval, split=args.split)
    if args.json:
        print(json.dumps(timeline.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(timeline_chart(timeline))
    return 0
