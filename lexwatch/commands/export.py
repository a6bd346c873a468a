"""`lexwatch export --format jsonl|csv|parquet|warc --out PATH` — the selected articles as a data set."""
from __future__ import annotations

import json
from pathlib import Path

from lexwatch.commands.filters import add_filter_options, filters_from_args


def register(sub, common):
    from lexwatch.export.columns import FIELDS
    p = sub.add_parser("export", parents=[common], help="export articles as JSONL, CSV, Parquet or WARC",
                       description="Stream the articles matching a query and filters to one file, with "
                                   "PATH.manifest.json (query, filters, count, versions, SHA-256) beside it.")
    p.add_argument("--format", required=True, choices=("jsonl", "csv", "parquet", "warc", "tracker-csv", "tracker-jsonl"),
                   help="articles: jsonl csv parquet warc; instrument tracks (one row per track, as `lexwatch "
                        "tracker` prints them; --country and --stage select tracks): tracker-csv tracker-jsonl")
    p.add_argument("--out", required=True, metavar="PATH", help="the file to write (WARC: *.warc.gz)")
    p.add_argument("--query", default="", metavar="Q", help="query, as in lexwatch search (default: everything)")
    add_filter_options(p)
    p.add_argument("--fields", type=lambda v: [x.strip() for x in v.split(",") if x.strip()], metavar="a,b,…",
                   help="only these fields (jsonl, csv, parquet): " + " ".join(FIELDS))
    p.add_argument("--force", action="store_true", help="replace PATH and its manifest if they exist")
    p.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 byte-order mark (for Excel)")
    p.add_argument("--warc-dir", metavar="DIR", help="the crawler's WARC captures (default: warc/ beside the "
                   "SQLite store)")
    p.set_defaults(func=run)


def default_warc_dir(store_url: str | None) -> Path:
    from lexwatch.index.store import store_directory
    return store_directory(store_url) / "warc"


def run(args) -> int:
    from lexwatch.index import open_store
    from lexwatch.export import export_articles

    if args.format.startswith("tracker-"):
        return _run_tracker(args)
    warc_dir = args.warc_dir or (default_warc_dir(args.store) if args.format == "warc" else None)
    with open_store(args.store) as store:
        manifest = export_articles(store, args.format, args.out, query=args.query, filters=filters_from_args(args),
                                   fields=args.fields, force=args.force, bom=args.bom, warc_dir=warc_dir)
    if args.json:
        print(json.dumps(manifest, ensure_ascii=False, indent=1))
        return 0
    [data] = manifest["files"]
    print(f"exported {manifest['count']} article(s) to {Path(args.out).parent / data['path']} "
          f"({data['bytes']:,} bytes, sha256 {data['sha256'][:12]}…); manifest {args.out}.manifest.json")
    if "warc" in manifest:
        w = manifest["warc"]
        print(f"  {w['records']} WARC record(s) from {len(w['sources'])} file(s); "
              f"{w['articles_without_capture']} article(s) had no capture")
    return 0


def _run_tracker(args) -> int:
    from lexwatch.commands.tracker import tracker_rows
    from lexwatch.export.tracker import export_tracker
    from lexwatch.index import open_store
    selection = {"countries": args.country, "stages": args.stage}
    args.since, args.instrument = None, []
    with open_store(args.store) as store:
        rows = tracker_rows(store, args)
    manifest = export_tracker(rows, args.format, args.out, force=args.force, selection=selection, bom=args.bom)
    if args.json:
        print(json.dumps(manifest, ensure_ascii=False, indent=1))
    else:
        print(f"exported {manifest['count']} track(s) to {args.out}; manifest {args.out}.manifest.json")
    return 0
