"""The crawl's CPU split by process: the crawl process (reactor, WARC, frontier, store) with an
analysis worker and without, against a bare Scrapy crawl of the same replica pages.

Why: on this shared 2-core machine a crawl's wall time is mostly waiting for a turn on a core (a
sub-second bare crawl takes 5-10 s at load 15), and every hop to a worker process is one more wait,
so the wall ratio says little about what a crawl gets on two free cores. CPU seconds say it: with
one worker, the crawl process's own CPU (from the first spider opened, this process only) is what
bounds the crawl if the worker keeps up on the second core; the analysis the worker does is the
difference between the in-process run and it. Estimate on two free cores (replica servers, which
both sides need, left out): time = max(crawl process, (crawl process + analysis) / 2).

    python -m lexwatch.bench.crawl_cpu [rounds]
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def _child(spec_json: str, result_file: str) -> None:
    import lexwatch.crawler.run as run
    run.cpu_seconds = lambda: (lambda t: t.user + t.system)(os.times())   # this process only, not the workers
    stats = run.crawl_in_process(**json.loads(spec_json))
    Path(result_file).write_text(json.dumps(stats["totals"]))


def bench_crawl_cpu(rounds: int = 3) -> dict[str, Any]:
    from lexwatch.bench.crawl import FAST, _bare_crawl
    from lexwatch.crawler.replicas import start_replicas
    from lexwatch.crawler.run import child_env, crawl
    runs: dict[str, list[float]] = {"bare": [], "workers_1": [], "workers_0": []}
    with tempfile.TemporaryDirectory(prefix="lexwatch-bench-cpu-") as tmp, start_replicas() as replicas:
        work = Path(tmp)
        crawl(None, store_url=f"sqlite:///{work}/warmup.db", base_urls=replicas.base_urls, settings=FAST)
        fetched = [h for h in replicas.hits() if h.status == 200 and not h.path.startswith("/robots.txt")]
        urls = [replicas.base_urls[h.site] + h.path for h in fetched]
        for r in range(rounds):
            runs["bare"].append(_bare_crawl(urls, work)["cpu_seconds"])
            for n in (1, 0):
                spec = {"store_url": f"sqlite:///{work}/w{n}-{r}.db", "base_urls": replicas.base_urls,
                        "warc_dir": str(work / f"warc-{n}-{r}"), "settings": {**FAST, "LEXWATCH_ANALYZE_WORKERS": n}}
                out = work / f"w{n}-{r}.json"
                subprocess.run([sys.executable, "-m", "lexwatch.bench.crawl_cpu", "--child", json.dumps(spec), str(out)],
                               check=True, env=child_env())
                runs[f"workers_{n}"].append(json.loads(out.read_text())["cpu_seconds"])
    med = {k: statistics.median(v) for k, v in runs.items()}
    analysis = max(0.0, med["workers_0"] - med["workers_1"])
    two_cores = max(med["workers_1"], (med["workers_1"] + analysis) / 2)
    return {**med, "analysis": analysis, "two_cores": two_cores, "ratio": med["bare"] / two_cores,
            "ratio_in_process": med["bare"] / med["workers_0"], "rounds": rounds, "load": os.getloadavg()[0]}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], sys.argv[3])
    else:
        print(json.dumps(bench_crawl_cpu(int(sys.argv[1]) if len(sys.argv) > 1 else 3), indent=1))
