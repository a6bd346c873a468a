"""Crawl throughput with 1 and with N crawler processes sharing one Redis frontier, on this machine.

    python -m lexwatch.bench.frontier --copies 40 --processes 1,2 --redis redis://127.0.0.1:6390/0

The replicas are too small to time a crawl (about 5 s of work after 10 s of start-up), so
`scaled_replica` writes a copy of the Kursiv replica whose Russian edition also carries `copies`
clones of each of its articles (new paths, canonical links rewritten, listed in one more sitemap).
Each round starts the processes together on a fresh store and an empty frontier, and times
- the crawl phase: from the first request the replica answered to the last article fetched, which
  leaves out process start-up (imports, model warm-up) and the wait for the last worker to finish;
- the wall time from start to the last process's exit.
By default with no delays and 16 concurrent requests: the limit is then the CPU spent on analysis,
so this measures what more processes on one 2-core machine add, not what more machines would
(those add cores). With `--delay S` each process fetches one page at a time per site, S seconds
apart: the politeness-bound regime of real sites (politeness is per process).
Settings: REDIS URL (`--redis`, default LEXWATCH_FRONTIER), a store URL per round (default: SQLite).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from lexwatch.bench.bigsite import OUTLET
from lexwatch.crawler.publishers import PUBLISHERS
from lexwatch.crawler.replicas import REPLICA_ROOT, start_replicas

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOG_LEVEL": "INFO", "LEXWATCH_RETRY_AFTER_MAX": 5,
        "LEXWATCH_FRONTIER_HEARTBEAT": 6}
# The outlet whose replica is scaled: the one the generated big site copies (per-language sitemaps).
REAL_ORIGIN = PUBLISHERS[OUTLET].sites[0].base_url


def scaled_replica(dest: Path, copies: int) -> tuple[Path, int]:
    """A replica root with OUTLET's replica whose root-edition articles of its first site have `copies`
    clones each (day 1). Returns (root, number of clone articles)."""
    root = Path(dest)
    shutil.copytree(REPLICA_ROOT / OUTLET, root / OUTLET, dirs_exist_ok=True)
    routes_path = root / OUTLET / "routes.json"
    routes = json.loads(routes_path.read_text(encoding="utf-8"))
    article = PUBLISHERS[OUTLET]
    site = routes[article.sites[0].key]["1"]
    prefixed = tuple(e.prefix + "/" for e in article.sites[0].editions if e.prefix)
    originals = [(p, r) for p, r in site.items()
                 if article.is_article_path(p) and not p.startswith(prefixed) and "fail_once" not in r]
    files = root / OUTLET / "files"
    urls = []
    for k in range(copies):
        for path, route in originals:
            new_path = path.rstrip("/") + f"-x{k}/"
            new_file = route["file"].replace(path.rstrip("/"), new_path.rstrip("/"), 1)
            body = (files / route["file"]).read_bytes().replace(path.encode(), new_path.encode())
            (files / new_file).parent.mkdir(parents=True, exist_ok=True)
            (files / new_file).write_bytes(body)
            site[new_path] = {**route, "file": new_file}
            urls.append((new_path, route.get("last_modified", "")))
    entries = "".join(f"  <url>\n    <loc>{REAL_ORIGIN}{p}</loc>\n    <lastmod>{m}</lastmod>\n  </url>\n"
                      for p, m in urls)
    bulk = f"{OUTLET}/sitemaps/ru/post-bulk.xml"
    (files / bulk).write_text('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                              f'schemas/sitemap/0.9">\n{entries}</urlset>\n', encoding="utf-8")
    site["/sitemaps/ru/post-bulk.xml"] = {"file": bulk, "type": "application/xml; charset=utf-8"}
    index = files / site["/sitemaps/ru/sitemap.xml"]["file"]
    index.write_text(index.read_text(encoding="utf-8").replace(
        "</sitemapindex>", f"  <sitemap>\n    <loc>{REAL_ORIGIN}/sitemaps/ru/post-bulk.xml</loc>\n"
        "    <lastmod>2026-02-17T14:20:00+05:00</lastmod>\n  </sitemap>\n</sitemapindex>"), encoding="utf-8")
    routes_path.write_text(json.dumps(routes, ensure_ascii=False), encoding="utf-8")
    return root, len(urls)


def run_round(processes: int, replicas, frontier: str | None, store_url: str, work: Path,
              outlets: list[str], delay: float = 0) -> dict[str, Any]:
    """Start `processes` crawls together (each its own state file and user agent); wait for all."""
    from lexwatch.crawler.run import child_env, crawl_command
    replicas.reset()
    procs = []
    started = time.time()
    for i in range(processes):
        settings = dict(FAST, LEXWATCH_STATE_PATH=str(work / f"state-{i}.db"),
                        USER_AGENT=f"lexwatch-bench/{i}")
        if delay:   # politeness-bound: one request at a time per site and process, `delay` apart
            settings.update(DOWNLOAD_DELAY=delay, CONCURRENT_REQUESTS_PER_DOMAIN=1)
        if frontier:
            settings["LEXWATCH_FRONTIER"] = frontier
        command = crawl_command(outlets, store_url=store_url, base_urls=replicas.base_urls, settings=settings,
                                log_file=str(work / f"crawl-{i}.log"), result_path=str(work / f"result-{i}.json"))
        procs.append(subprocess.Popen(command, env=child_env()))
    codes = [p.wait() for p in procs]
    wall = time.time() - started
    if any(codes):
        raise RuntimeError(f"a crawl process failed: exit codes {codes} (logs in {work})")
    results = [json.loads((work / f"result-{i}.json").read_text()) for i in range(processes)]
    hits = [h for h in replicas.hits() if h.status == 200]
    article_hits = [h for h in hits if PUBLISHERS[OUTLET].is_article_path(h.path.split("?")[0])]
    phase = max(h.at for h in article_hits) - min(h.at for h in hits)
    stored = sum(r["totals"]["articles_stored"] for r in results)
    return {"processes": processes, "articles_stored": stored, "article_fetches": len(article_hits),
            "crawl_phase_s": round(phase, 2), "wall_s": round(wall, 2),
            "articles_per_s": round(len(article_hits) / phase, 2),
            "per_process_articles": [r["totals"]["articles_stored"] for r in results]}


def bench(copies: int = 40, counts: tuple[int, ...] = (1, 2), frontier: str | None = None,
          store: str = "sqlite", repeat: int = 1, workdir: str | None = None,
          delay: float = 0) -> dict[str, Any]:
    import redis
    frontier = frontier or os.environ.get("LEXWATCH_FRONTIER")
    if not frontier:
        raise SystemExit("the frontier benchmark needs a Redis URL (--redis or LEXWATCH_FRONTIER)")
    rounds = []
    with tempfile.TemporaryDirectory(prefix="lexwatch-frontier-bench-") as tmp:
        tmp = workdir or tmp
        root, clones = scaled_replica(Path(tmp) / "replica", copies)
        with start_replicas(root=root, outlets=[OUTLET]) as replicas:
            for attempt in range(repeat):
                for n in counts:
                    work = Path(tmp) / f"round-{attempt}-{n}"
                    work.mkdir()
                    redis.Redis.from_url(frontier).flushdb()
                    if store == "sqlite":
                        store_url = f"sqlite:///{work}/bench.db"
                        from lexwatch.index.factory import open_store
                        open_store(store_url).close()   # before the writers: they would race to create it
                    else:  # an Elasticsearch URL: a fresh alias per round
                        store_url = f"{store.rstrip('/')}/lexwatch-bench-{os.getpid()}-{attempt}-{n}"
                    rounds.append(run_round(n, replicas, frontier, store_url, work, [OUTLET], delay))
                    if store != "sqlite":
                        from lexwatch.index.es_store import ElasticsearchStore
                        ElasticsearchStore(store_url).drop()
    base = [r["articles_per_s"] for r in rounds if r["processes"] == counts[0]]
    out: dict[str, Any] = {"clone_articles": clones, "rounds": rounds}
    for n in counts[1:]:
        mine = [r["articles_per_s"] for r in rounds if r["processes"] == n]
        out[f"ratio_{n}_vs_{counts[0]}"] = round((sum(mine) / len(mine)) / (sum(base) / len(base)), 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--redis", default=None)
    parser.add_argument("--store", default="sqlite", help="sqlite (a fresh file per round) or http://host:9200")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--delay", type=float, default=0,
                        help="DOWNLOAD_DELAY with one request at a time per site (default 0: CPU-bound)")
    parser.add_argument("--workdir", help="keep the replica, logs and stores here (default: a temporary directory)")
    args = parser.parse_args()
    counts = tuple(int(x) for x in args.processes.split(","))
    print(json.dumps(bench(args.copies, counts, args.redis, args.store, args.repeat, args.workdir,
                           args.delay), indent=1))


if __name__ == "__main__":
    main()
