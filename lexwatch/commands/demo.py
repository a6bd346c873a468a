"""`lexwatch demo` — start the bundled outlet replicas, crawl them into an embedded store under
DIR, print the deepfake-regulation timeline, then serve the search page (unless --no-serve)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lexwatch.index import Filters, open_store
from lexwatch.penalties import penalties_short
from lexwatch.render import timeline_chart

DEMO_PORT = 8765
REPLICA_PORT = 18701


def register(sub, common):
    p = sub.add_parser("demo", parents=[common], help="crawl the bundled replica sites and show the timeline",
                       description="Start local replicas of the registry's outlets on 127.0.0.1, crawl "
                                   "them into DIR/lexwatch.db (WARCs and logs beside it), print the timeline "
                                   "of deepfake-regulation developments and serve the search page.")
    p.add_argument("--data", default="./data", metavar="DIR", help="where the store, WARCs and logs go")
    p.add_argument("--no-serve", action="store_true", help="end after the timeline (for scripts)")
    p.add_argument("--port", type=int, default=DEMO_PORT, help=f"search page port (default {DEMO_PORT})")
    p.add_argument("--replica-port", type=int, default=REPLICA_PORT,
                   help=f"first of the replica sites' ports (default {REPLICA_PORT}); fixed, because stored "
                        "URLs carry it and a second demo must find the articles of the first")
    p.set_defaults(func=run)


def run(args):
    from lexwatch.crawler.replicas import start_replicas
    from lexwatch.crawler.run import REPLICA_SETTINGS, crawl

    data = Path(args.data).resolve()
    data.mkdir(parents=True, exist_ok=True)
    store_url = f"sqlite:///{data / 'lexwatch.db'}"
    try:
        replicas = start_replicas(first_port=args.replica_port)
    except OSError as exc:
        raise OSError(f"cannot serve the replicas on ports {args.replica_port}+: {exc.strerror}; "
                      "pick others with --replica-port") from None
    try:
        print(f"replica sites: {', '.join(f'{k} {v}' for k, v in sorted(replicas.base_urls.items()))}",
              file=sys.stderr)
        # Local replicas need no politeness delays: the crawl takes seconds instead of minutes.
        stats = crawl(replicas.outlets, store_url=store_url, base_urls=replicas.base_urls, warc_dir=str(data / "warc"),
                      log_file=str(data / "crawl.log"), settings=REPLICA_SETTINGS, progress=5)
    finally:
        replicas.stop()
    print(f"crawled: {stats.get('pages', '?')} pages fetched, {stats.get('stored', '?')} articles stored, "
          f"{stats.get('errors', 0)} errors", file=sys.stderr)
    with open_store(store_url) as store:
        relevant = Filters(relevant=True)
        print(f"\nDeepfake-regulation developments by month and country "
              f"({store.count('', relevant)} of {store.count()} articles):\n")
        print(timeline_chart(store.timeline("", relevant, interval="month", split="jurisdiction")))
        # One line per legal event, its language versions together (not one line per article).
        developments = store.list_developments(members=False)
        print("\nLatest developments:")
        for d in sorted(developments, key=lambda d: (d.last_day, d.first_day), reverse=True)[:8]:
            stage = f"{d.stage} {d.reading}" if d.reading else (d.stage or "-")
            versions = " · ".join(sorted(d.languages))
            extra = f" — {penalties_short(d.penalties)}" if d.penalties else ""
            print(f"  {d.last_day}  {d.jurisdiction or '--'}  {stage:<11} {d.title[:80]}  ({versions}){extra}")
        from lexwatch.commands.tracker import render_tracker
        from lexwatch.developments.tracks import find_tracks, track_row
        print(f"\nEach law's track ({len(developments)} developments; lexwatch tracker):\n")
        print(render_tracker([track_row(t) for t in find_tracks(store)]))
    print(f"\nstore: {store_url}")
    if args.no_serve:
        return 0
    from lexwatch.commands import serve
    return serve.run(argparse.Namespace(store=store_url, host="127.0.0.1", port=args.port, token=None,
                                        screenshot=None, screenshot_query=None))
