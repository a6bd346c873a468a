"""`lexwatch reprocess --warc-dir DIR` — re-analyze captured pages into the store, offline."""
from __future__ import annotations

import json

from lexwatch.cli import CliError


def register(sub, common):
    p = sub.add_parser("reprocess", parents=[common], help="re-run extraction and tagging from WARCs",
                       description="Read every article response captured in WARC files under DIR (by "
                                   "`lexwatch crawl --warc-dir`), run extraction, language identification "
                                   "and tagging again and upsert the results. No network access.")
    p.add_argument("--warc-dir", required=True, help="directory holding .warc.gz files")
    p.add_argument("--workers", type=int, default=None,
                   help="analysis processes (default: the cores this process may use); the stored result "
                        "is the same for any number")
    p.set_defaults(func=run)


def run(args):
    from lexwatch.crawler.reprocess import default_workers, reprocess
    from lexwatch.index.store import DEFAULT_STORE

    workers = default_workers() if args.workers is None else args.workers
    if workers < 1:
        raise CliError(f"--workers {args.workers}: must be at least 1")
    try:
        stats = reprocess(args.warc_dir, args.store or DEFAULT_STORE, workers=workers)
    except FileNotFoundError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps(stats, indent=1))
        return 0
    print(f"{stats['records']} captured responses, {stats['pages']} distinct pages: {stats['analyzed']} analyzed "
          f"({stats['created']} new, {stats['updated']} updated, {stats['unchanged']} unchanged), "
          f"{stats['unusable']} unusable; {stats['workers']} worker(s)")
    for problem in stats["damaged_files"]:
        print(f"  damaged: {problem}")
    return 0
