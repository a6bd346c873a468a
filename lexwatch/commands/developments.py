"""`lexwatch developments rebuild` — recompute every development from the stored articles."""
from __future__ import annotations

import json
import sys
import time


def register(sub, common):
    p = sub.add_parser("developments", parents=[common], help="rebuild developments from the stored articles",
                       description="Developments (one record per legal event across languages and outlets) "
                                   "are updated as articles are stored. `rebuild` recomputes all of them from "
                                   "the stored articles, e.g. after `lexwatch reprocess` with a better tagger; "
                                   "it gives the same answer as the incremental updates.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("rebuild", parents=[common], help="recompute every development")
    p.set_defaults(func=run)


def run(args) -> int:
    from lexwatch.developments.step import rebuild
    from lexwatch.index import open_store
    started = time.monotonic()
    with open_store(args.store) as store:
        relevant, developments = rebuild(store)
    seconds = time.monotonic() - started
    if args.json:
        print(json.dumps({"relevant_articles": relevant, "developments": developments, "seconds": round(seconds, 3)}))
    else:
        print(f"rebuilt {developments} development(s) from {relevant} relevant article(s) in {seconds:.1f} s",
              file=sys.stderr)
    return 0
