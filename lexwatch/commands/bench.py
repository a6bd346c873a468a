"""`lexwatch bench` — measure every stage against a baseline run in the same process, write
BENCHMARKS.md (stage, lexwatch, baseline, ratio, goal) and optionally JSON."""
from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

from lexwatch.bench import report

SCALES = {"quick": 20_000, "100k": 100_000, "1m": 1_000_000}


def register(sub, common):
    p = sub.add_parser("bench", parents=[common], help="benchmark every stage against its baseline",
                       description="Runs each stage and its baseline on the same data in one run and writes "
                                   "BENCHMARKS.md. --quick (20k articles) finishes in minutes; --scale 1m is "
                                   "the full million-article run.")
    p.add_argument("--quick", action="store_true", help="small sizes (20k articles)")
    p.add_argument("--scale", choices=sorted(SCALES), default=None, help="corpus size for index/search stages")
    p.add_argument("--es", dest="es_url", default=os.environ.get("LEXWATCH_ES_URL"),
                   help="Elasticsearch URL for the ES stages (env LEXWATCH_ES_URL); without it they are not run")
    p.add_argument("--out", default="BENCHMARKS.md", help="where to write the table (default BENCHMARKS.md)")
    p.add_argument("--stages", default="analysis,crawl,index,search,memory",
                   help="comma-separated subset of analysis,crawl,index,search,memory")
    p.set_defaults(func=run)


def run(args):
    n = SCALES[args.scale or "quick"]
    stages = {s.strip() for s in args.stages.split(",")}
    started = time.time()
    rows = report.collect(stages, n, args.es_url, progress=lambda msg: print(msg, file=sys.stderr))
    meta = {"articles": n, "python": platform.python_version(), "cpus": os.cpu_count(),
            "seconds": round(time.time() - started, 1), "es": bool(args.es_url)}
    Path(args.out).write_text(report.markdown(rows, meta), encoding="utf-8")
    if args.json:
        print(json.dumps({"meta": meta, "rows": rows}, indent=1))
    else:
        print(report.markdown(rows, meta))
    return 0
