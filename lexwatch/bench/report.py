"""Runs the benchmark stages and renders BENCHMARKS.md. Every row carries lexwatch's figure, the
baseline measured in the same run, their ratio and the goal from the performance issue."""
from __future__ import annotations

import importlib
from typing import Any, Callable

from lexwatch.bench import stores


def _row(stage: str, measure: dict[str, Any], goal: str, higher_is_better: bool = True) -> dict[str, Any]:
    ours, base = measure["lexwatch"], measure["baseline"]
    ratio = ours / base if higher_is_better else base / ours
    return {"stage": stage, "lexwatch": ours, "baseline": base, "unit": measure.get("unit", ""),
            "ratio": ratio, "goal": goal, "note": measure.get("note", "")}


def _optional(module: str, function: str) -> Callable[..., dict[str, Any]] | None:
    """Stage benchmarks owned by other packages (nlp, crawler, export) are used when present."""
    try:
        return getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        return None


def collect(stages: set[str], n: int, es_url: str | None, progress: Callable[[str], None]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    work = stores.scratch_dir()
    if "analysis" in stages and (fn := _optional("nlp.bench", "measure")):
        progress("analysis: extract + language + tag vs bare trafilatura.extract …")
        fn(rounds=1)   # warm-up: every language's pipeline is built on first use, once per process
        m = fn(rounds=3)
        rows.append(_row("analysis (articles/s)", {"lexwatch": m["analyze_page_per_s"],
                                                   "baseline": m["trafilatura_per_s"], "unit": "articles/s",
                                                   "note": f"{m['pages']} eval pages"}, "≥ 0.6"))
    if "crawl" in stages and (fn := _optional("crawler.bench", "bench_crawl")):
        progress("crawl: whole pipeline vs bare Scrapy crawl of the replicas …")
        rows.append(_row("crawl (articles/s)", fn(), "≥ 0.5"))
    if "index" in stages:
        size = min(n, 50_000)
        progress(f"index (embedded): {size} upserts vs plain executemany …")
        rows.append(_row(f"index, embedded ({size:,} docs/s)", stores.bench_sqlite_upsert(size, work), "≥ 0.5"))
        if es_url:
            progress(f"index (ES): {size} upserts vs helpers.bulk …")
            rows.append(_row(f"index, Elasticsearch ({size:,} docs/s)", stores.bench_es_upsert(es_url, size), "≥ 0.9"))
    if "search" in stages:
        progress(f"search and timeline on {n:,} articles …")
        s = stores.bench_search(n, work, es_url)
        for kind, goal in (("search", "embedded p95 ≤ 1.5 × ES p95"), ("timeline", "embedded p95 ≤ 1.5 × ES p95")):
            emb = s[f"embedded_{kind}"]
            es = s.get(f"es_{kind}")
            if es:
                rows.append(_row(f"{kind} p95 ms, {n:,} articles (embedded vs ES)",
                                 {"lexwatch": emb["p95_ms"], "baseline": es["p95_ms"], "unit": "ms",
                                  "note": f"p50 {emb['p50_ms']:.1f} vs {es['p50_ms']:.1f} ms"},
                                 goal, higher_is_better=False))
            else:
                rows.append({"stage": f"{kind} p95 ms, {n:,} articles", "lexwatch": emb["p95_ms"], "baseline": None,
                             "unit": "ms", "ratio": None, "goal": goal, "note": "no ES given: --es URL"})
    if "memory" in stages and (fn := _optional("lexwatch.export.bench", "bench_export_memory")):
        progress("memory: peak RSS of an export …")
        m = fn()
        rows.append({"stage": f"export peak RSS ({m.get('articles', '?'):,} articles)", "lexwatch": m["peak_mb"],
                     "baseline": m["start_mb"], "unit": "MB", "ratio": None, "goal": "≤ 250 MB",
                     "note": f"growth {m['peak_mb'] - m['start_mb']:.0f} MB"})
    return rows


def _fmt(x: Any) -> str:
    if x is None:
        return "—"
    return f"{x:,.1f}" if isinstance(x, float) else str(x)


def markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = ["# Benchmarks", "",
             "Written by `lexwatch bench`; every ratio compares lexwatch with a baseline measured in the same run "
             "on the same data (ratio > 1 means lexwatch is faster, except latency rows where it is baseline/ours).",
             "", f"Run: {meta['articles']:,} synthetic articles for index/search, Python {meta['python']}, "
             f"{meta['cpus']} CPUs, {meta['seconds']} s in all, Elasticsearch {'on' if meta['es'] else 'not given'}.",
             "", "| stage | lexwatch | baseline | unit | ratio | goal | note |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(f"| {r['stage']} | {_fmt(r['lexwatch'])} | {_fmt(r['baseline'])} | {r['unit']} | {ratio} | "
                     f"{r['goal']} | {r.get('note', '')} |")
    return "\n".join(lines) + "\n"
