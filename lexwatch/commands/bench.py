"""`lexwatch bench` — measure every stage against a baseline run in the same process, write
BENCHMARKS.md (stage, scale, lexwatch, baseline, ratio, goal, meets goal) and optionally JSON."""
from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

from lexwatch.bench import report
from lexwatch.urls import redact_url

# articles: index, search, timeline and export; crawl_pages: the crawl-memory run; recrawl_articles: the
# generated publishing day; analysis_rounds: passes over the evaluation pages.
SCALES = {
    "quick": {"articles": 10_000, "crawl_pages": 1_000, "recrawl_articles": 100, "analysis_rounds": 3,
              "reprocess_pages": 2_000, "reprocess_rounds": 1, "crawl_cpu_rounds": 1},
    "100k": {"articles": 100_000, "crawl_pages": 10_000, "recrawl_articles": 100, "analysis_rounds": 5,
             "reprocess_pages": 10_000, "reprocess_rounds": 1},
    "1m": {"articles": 1_000_000, "crawl_pages": 10_000, "recrawl_articles": 100, "analysis_rounds": 5,
           "reprocess_pages": 10_000, "reprocess_rounds": 1},
}


def register(sub, common):
    p = sub.add_parser("bench", parents=[common], help="benchmark every stage against its baseline",
                       description="Runs each stage and its baseline on the same data in one run and writes "
                                   "BENCHMARKS.md. --quick (10k articles, a 1k-page crawl) finishes in a few "
                                   "minutes; --scale 1m is the full million-article run.")
    p.add_argument("--quick", action="store_true", help="small sizes (the default scale)")
    p.add_argument("--scale", choices=sorted(SCALES), default=None, help="corpus size for index/search/export")
    p.add_argument("--articles", type=int, default=None, help="override the corpus size (e.g. a tiny test run)")
    p.add_argument("--crawl-pages", type=int, default=None, help="override the crawl-memory run's page count")
    p.add_argument("--es", "--store-es", dest="es_url", default=os.environ.get("LEXWATCH_ES_URL"),
                   help="Elasticsearch URL for the ES stages (env LEXWATCH_ES_URL); without it they are not run")
    p.add_argument("--out", default="BENCHMARKS.md", help="where to write the table (default BENCHMARKS.md)")
    p.add_argument("--stages", default=",".join(report.STAGES),
                   help=f"comma-separated subset of {','.join(report.STAGES)}")
    p.set_defaults(func=run)


def run(args):
    if args.quick and args.scale not in (None, "quick"):
        raise SystemExit("lexwatch bench: --quick and --scale are exclusive")
    name = args.scale or "quick"
    sizes = dict(SCALES[name])
    if args.articles:
        sizes["articles"] = args.articles
    if args.crawl_pages:
        sizes["crawl_pages"] = args.crawl_pages
    stages = {s.strip() for s in args.stages.split(",") if s.strip()}
    unknown = stages - set(report.STAGES)
    if unknown:
        raise SystemExit(f"lexwatch bench: unknown stage(s) {', '.join(sorted(unknown))}")
    started = time.time()
    rows = report.collect(stages, sizes, args.es_url, progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    command = "lexwatch bench " + (f"--scale {name}" if args.scale else "--quick")
    if stages != set(report.STAGES):   # the table says which stages it holds
        command += " --stages " + ",".join(s for s in report.STAGES if s in stages)
    meta = {"command": command, "scale": f"{sizes['articles']:,} articles for index/search/export, "
                                         f"{sizes['crawl_pages']:,}-page crawl for memory",
            "sizes": sizes, "python": platform.python_version(), "cpus": os.cpu_count(),
            "seconds": round(time.time() - started, 1), "es": redact_url(args.es_url or "")}
    text = report.markdown(rows, meta)
    Path(args.out).write_text(text, encoding="utf-8")
    if args.json:
        print(json.dumps({"meta": meta, "rows": rows}, indent=1, ensure_ascii=False))
    else:
        print(text)
    return 0
