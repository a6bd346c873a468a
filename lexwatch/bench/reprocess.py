"""`lexwatch reprocess --workers N` against one worker, on the same WARC corpus.

The corpus is written straight to WARC from the generated Kursiv-shaped site (`lexwatch.bench.bigsite`,
no crawl needed). Each side is a fresh `lexwatch reprocess` process into a fresh SQLite store, as a
researcher runs it, so both pay their model loading (N workers load the models N times, in parallel).
The sides take turns, `rounds` times; the medians are kept.

Two ratios, because this machine is shared:
- wall: one worker's wall time / N workers' wall time. On a loaded machine this moves both ways
  (other work takes the second core, or N processes draw N shares of a crowded scheduler).
- CPU-bound: what the same run gives on N free cores, from CPU seconds, which load changes far less.
  One worker's run is serial: its CPU is its time. The N-worker run has a serial part, until the
  workers start: the parent builds the models while a forked reader reads the WARCs, the longer of
  the two; and a parallel part, every other CPU second of the parent and the workers, spread over N
  cores (the workers pull chunks of 8 pages as they free up; the parent writes the store meanwhile):
  time_N = max(setup, reader) + max((total - setup - reader) / N, parent after setup).
The N-worker run's total CPU over one worker's says what the parallelism costs (pages pickled to
the workers and articles back, each worker's caches warming on its own).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lexwatch.crawler.publishers import default_base_urls


def build_corpus(directory: Path, pages: int, seed: int = 13) -> int:
    """`pages` article responses of the generated site as WARC records; returns the bytes written."""
    from lexwatch.bench.bigsite import LANGS, OUTLET, Site
    from lexwatch.crawler.warc import RotatingWarcWriter

    site, base = Site(pages, seed), default_base_urls()[OUTLET]
    writer = RotatingWarcWriter(directory, "lexwatch-bench")
    for i in range(pages):
        path = site.path_of(i)
        status, ctype, body = site.page(path)
        writer.write(base + path, status, [("Content-Type", ctype)], body, [], "2026-01-01T00:00:00+00:00",
                     {"outlet": OUTLET, "site": OUTLET, "edition": LANGS[i % len(LANGS)]})
    writer.close()
    return sum(p.stat().st_size for p in writer.files)


def _side_main(warc_dir: str, store_path: str, workers: str, result_file: str) -> None:
    """One timed reprocess in this fresh process; CPU of this process and, separately, of its workers."""
    from lexwatch.crawler import reprocess as module
    own = lambda: (lambda t: t.user + t.system)(os.times())   # noqa: E731
    children = lambda: (lambda t: t.children_user + t.children_system)(os.times())   # noqa: E731
    marks: dict[str, float] = {}
    start_pool = module.start_pool

    def timed_start(*args):   # the serial part ends when the workers start
        marks["setup"], marks["reader"] = own(), children()   # the forked reader is reaped by now
        return start_pool(*args)
    module.start_pool = timed_start
    start, t0, c0, k0 = time.perf_counter(), os.times(), own(), children()
    stats = module.reprocess(warc_dir, f"sqlite:///{store_path}", workers=int(workers))
    t1 = os.times()
    Path(result_file).write_text(json.dumps({
        "seconds": time.perf_counter() - start, "analyzed": stats["analyzed"], "created": stats["created"],
        "parent_cpu": (t1.user - t0.user) + (t1.system - t0.system), "setup_cpu": marks["setup"] - c0, "reader_cpu": marks["reader"] - k0,
        "workers_cpu": (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system)}))


def _side(warc_dir: Path, work: Path, workers: int, tag: str) -> dict[str, Any]:
    from lexwatch.crawler.run import child_env
    store, result = work / f"{tag}.db", work / f"{tag}.json"
    subprocess.run([sys.executable, "-m", "lexwatch.bench.reprocess", str(warc_dir), str(store), str(workers),
                    str(result)], check=True, env=child_env())
    m = json.loads(result.read_text())
    m["cpu"] = m["parent_cpu"] + m["workers_cpu"]
    m["store"] = str(store)
    return m


def stored_articles(store_path: str) -> list[dict[str, Any]]:
    """Every stored article as a dict, in id order: two stores built from one corpus compare equal."""
    from lexwatch.index.factory import open_store
    with open_store(f"sqlite:///{store_path}") as store:
        return sorted((a.to_dict() for a in store.iterate()), key=lambda d: d["id"])


def bench_reprocess(pages: int = 600, workers: int | None = None, rounds: int = 3) -> dict[str, Any]:
    from lexwatch.crawler.reprocess import default_workers
    n = workers or max(2, default_workers())
    with tempfile.TemporaryDirectory(prefix="lexwatch-bench-reprocess-") as tmp:
        work = Path(tmp)
        build_corpus(work / "warc", pages)
        one, many = [], []
        for r in range(rounds):   # turns: load that comes and goes falls on both sides
            sides = [(1, one), (n, many)] if r % 2 == 0 else [(n, many), (1, one)]
            for count, runs in sides:
                runs.append(_side(work / "warc", work, count, f"w{count}-r{r}"))
        identical = stored_articles(one[0]["store"]) == stored_articles(many[0]["store"])
    load = os.getloadavg()[0]
    med = lambda runs, key: statistics.median(m[key] for m in runs)   # noqa: E731
    wall_1, wall_n = med(one, "seconds"), med(many, "seconds")
    cpu_1, cpu_n = med(one, "cpu"), med(many, "cpu")
    # the reader ran beside the parent's model build: the serial part is the longer of the two
    path_n = statistics.median(
        max(m["setup_cpu"], m["reader_cpu"])
        + max((m["cpu"] - m["setup_cpu"] - m["reader_cpu"]) / n, m["parent_cpu"] - m["setup_cpu"]) for m in many)
    return {"pages": pages, "workers": n, "analyzed": one[0]["analyzed"], "identical": identical,
            "wall_1": wall_1, "wall_n": wall_n, "wall_ratio": wall_1 / wall_n,
            "cpu_1": cpu_1, "cpu_n": cpu_n, "cpu_path_n": path_n, "cpu_ratio": cpu_1 / path_n,
            "parent_cpu_n": med(many, "parent_cpu"), "setup_cpu_n": med(many, "setup_cpu"),
            "reader_cpu_n": med(many, "reader_cpu"), "load": load, "rounds": rounds}


def reprocess_row(pages: int, rounds: int) -> dict[str, Any]:
    """The BENCHMARKS.md row: pages a CPU-second on the critical path (what N free cores give), the
    wall-clock figures of this run beside them in the note."""
    m = bench_reprocess(pages, rounds=rounds)
    ratio = m["cpu_ratio"]
    note = (f"{m['workers']} workers vs 1 over {m['pages']:,} WARC pages ({m['analyzed']:,} articles), fresh process "
            f"each, models loaded included; stores {'identical' if m['identical'] else '**DIFFER**'}; "
            f"CPU {m['cpu_1']:.1f} s vs {m['cpu_n']:.1f} s in all (parent {m['parent_cpu_n']:.1f} s, of it "
            f"{m['setup_cpu_n']:.1f} s before the workers start, beside a WARC reader's {m['reader_cpu_n']:.1f} s); "
            f"wall {m['wall_1']:.1f} vs {m['wall_n']:.1f} s (ratio {m['wall_ratio']:.2f}) at load {m['load']:.1f}; "
            f"median of {m['rounds']}")
    return {"stage": f"reprocess --workers {m['workers']}", "scale": f"{m['pages']:,} WARC pages",
            "ours": round(m["pages"] / m["cpu_path_n"], 1), "base": round(m["pages"] / m["cpu_1"], 1),
            "unit": "pages/CPU-path s", "goal": "≥ 1.8", "meets": ratio >= 1.8 and m["identical"],
            "ratio": ratio, "note": note}


if __name__ == "__main__":
    _side_main(*sys.argv[1:5])
