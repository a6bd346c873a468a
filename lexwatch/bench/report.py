"""Runs the benchmark stages and renders BENCHMARKS.md. Every row carries lexwatch's figure, the
baseline measured in the same run on the same data, ratio = lexwatch ÷ baseline, the goal from the
performance issue, whether it is met, and the scale it was measured at."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

from lexwatch.bench import stores

STAGES = ("analysis", "reprocess", "crawl", "recrawl", "index", "search", "memory", "developments", "freshness")


def _row(stage: str, scale: str, ours: float | None, base: float | None, unit: str, goal: str,
         meets: bool | None, ratio: float | None = None, note: str = "", absolute: bool = False) -> dict[str, Any]:
    """absolute: the goal is on lexwatch's own figure (memory); the baseline is shown, not divided by."""
    if ratio is None and not absolute and ours is not None and base:
        ratio = ours / base
    return {"stage": stage, "scale": scale, "lexwatch": ours, "baseline": base, "unit": unit, "ratio": ratio,
            "goal": goal, "meets": meets, "note": note}


def collect(stages: set[str], sizes: dict[str, int], es_url: str | None,
            progress: Callable[[str], None], workdir: Path | None = None) -> list[dict[str, Any]]:
    """sizes: articles (index/search/export), crawl_pages (crawl memory), recrawl_articles (generated day),
    analysis_rounds."""
    rows: list[dict[str, Any]] = []
    work = workdir or stores.scratch_dir()
    n = sizes["articles"]
    scale = f"{n:,} articles"
    try:
        if "analysis" in stages:
            from lexwatch.bench.analysis import measure
            progress("analysis: extract + language + tag vs bare trafilatura.extract …")
            measure(rounds=1)   # warm-up: every language's pipeline is built on first use, once per process
            m = measure(rounds=sizes.get("analysis_rounds", 3))
            ratio = m["analyze_page_per_s"] / m["trafilatura_per_s"]
            rows.append(_row("analysis", f"{m['pages']} page analyses (eval pages)", m["analyze_page_per_s"],
                             m["trafilatura_per_s"], "articles/s", "≥ 0.6", ratio >= 0.6))
        if "reprocess" in stages:
            from lexwatch.bench.reprocess import reprocess_row
            progress("reprocess: --workers N vs one worker over a WARC corpus …")
            rows.append(_row(**reprocess_row(sizes.get("reprocess_pages", 2000), sizes.get("reprocess_rounds", 1))))
        if "crawl" in stages:
            from lexwatch.bench.crawl import bench_crawl
            from lexwatch.crawler.pipelines.analyze import default_workers
            progress("crawl: whole pipeline vs bare Scrapy crawl of the replicas …")
            # the crawl as it runs by default (an analysis worker on 2+ cores), in-process analysis in the note
            workers = default_workers()
            m = bench_crawl(workers=workers, alternative=1 - workers)
            from lexwatch.bench.crawl_cpu import bench_crawl_cpu
            progress("crawl: CPU of the crawl process with and without an analysis worker …")
            c = bench_crawl_cpu(rounds=sizes.get("crawl_cpu_rounds", 3))
            m["note"] += (f"; CPU from the first spider opened, crawl process only (median of {c['rounds']}): bare "
                          f"{c['bare']:.2f} s, with 1 worker {c['workers_1']:.2f} s, in-process analysis "
                          f"{c['workers_0']:.2f} s; on two free cores {c['ratio']:.2f} of bare (in-process "
                          f"{c['ratio_in_process']:.2f}); load {c['load']:.1f}")
            ratio = m["lexwatch"] / m["baseline"]
            rows.append(_row("crawl", "replicas, 108 articles", m["lexwatch"], m["baseline"], "articles/s", "≥ 0.5",
                             ratio >= 0.5, note=m.get("note", "")))
        if "recrawl" in stages:
            from lexwatch.bench.crawl import bench_recrawl
            progress("daily re-crawl: requests per new article on the replicas' day 2 and a generated day …")
            m = bench_recrawl(articles=sizes.get("recrawl_articles", 100))
            for key, label in (("generated", "generated day"), ("day2", "replicas' day 2")):
                d = m[key]
                rows.append(_row(f"daily re-crawl ({label})", f"{d['articles']} new/updated articles",
                                 d["per_article"], 1.0, "requests/article", "≤ 1.3", d["per_article"] <= 1.3,
                                 note=f"{d['requests']} requests ({d['not_modified']} × 304) for {d['articles']} "
                                      f"new/updated articles; first crawl {m['first']['requests']} requests"))
        store_figures: dict[str, Any] = {}
        if "index" in stages or "search" in stages or "memory" in stages:
            store_figures = stores.bench_stores(n, work, es_url, progress, baselines="index" in stages)
        if "index" in stages:
            m = store_figures["index_embedded"]
            r = m["lexwatch"] / m["baseline"]
            rows.append(_row("index (embedded)", scale, m["lexwatch"], m["baseline"], "docs/s", "≥ 0.5", r >= 0.5,
                             note=m["note"]))
            if "index_es" in store_figures:
                m = store_figures["index_es"]
                r = m["lexwatch"] / m["baseline"]
                rows.append(_row("index (Elasticsearch)", scale, m["lexwatch"], m["baseline"], "docs/s", "≥ 0.9",
                                 r >= 0.9, note=m["note"]))
            else:
                rows.append(_row("index (Elasticsearch)", "—", None, None, "docs/s", "≥ 0.9", None,
                                 note="not run: no --es URL"))
        if "search" in stages:
            for kind, label in (("search", "search p95 (20 queries)"), ("timeline", "timeline p95 (monthly by country)")):
                emb, es = store_figures[f"embedded_{kind}"], store_figures.get(f"es_{kind}")
                if es:
                    r = emb["p95_ms"] / es["p95_ms"]
                    note = f"p50 {emb['p50_ms']:.1f} vs ES {es['p50_ms']:.1f} ms"
                    if kind == "search" and "es_merge_wait_s" in store_figures:
                        note += f"; ES timed after its merges settled ({store_figures['es_merge_wait_s']:.0f} s)"
                    if cached := store_figures.get(f"es_{kind}_cached"):
                        note += (f"; ES request cache off (with it, repeated timelines: p95 {cached['p95_ms']:.1f}, "
                                 f"p50 {cached['p50_ms']:.1f} ms)")
                    rows.append(_row(label, scale, emb["p95_ms"], es["p95_ms"], "ms", "≤ 1.5 × ES p95", r <= 1.5,
                                     note=note))
                else:
                    rows.append(_row(label, scale, emb["p95_ms"], None, "ms", "≤ 1.5 × ES p95", None,
                                     note=f"p50 {emb['p50_ms']:.1f} ms; no --es URL, no ES baseline"))
        if "memory" in stages:
            from lexwatch.export.memory import measure_export
            progress(f"memory: peak RSS of a Parquet export of {n:,} articles …")
            m = measure_export(f"sqlite:///{store_figures['store_path']}", "parquet", work / "export.parquet")
            rows.append(_row("memory: export peak RSS", f"{m['articles']:,} articles, Parquet", m["rss_peak_mb"],
                             m["rss_before_mb"], "MB", "≤ 250 MB", m["rss_peak_mb"] <= 250, absolute=True,
                             note=f"growth {m['growth_mb']:.0f} MB in {m['seconds']:.0f} s; baseline = RSS at start"))
            from lexwatch.bench.crawl import bench_crawl_memory
            pages = sizes.get("crawl_pages", 10_000)
            progress(f"memory: RSS growth of a {pages:,}-page crawl of a generated site …")
            m = bench_crawl_memory(pages)
            rows.append(_row("memory: crawl RSS growth", f"{m['pages']:,} pages ({m['articles']:,} articles)",
                             m["growth_mb"], m["start_mb"], "MB", "≤ 150 MB growth", m["growth_mb"] <= 150,
                             absolute=True, note=f"peak {m['peak_mb']:.0f} MB; baseline = RSS at start, models "
                                              f"loaded; {m['articles'] / m['seconds']:.1f} articles/s"))
        if "developments" in stages:   # lexwatch/bench/developments.py
            from lexwatch.bench.developments import bench_rows
            rows += bench_rows(sizes, es_url, progress, work, _row)
        if "freshness" in stages:
            from lexwatch.bench.freshness import rows as freshness_rows
            rows += freshness_rows(_row, progress)
    finally:
        if workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return rows


def _fmt(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.2f}" if abs(x) < 10 else f"{x:,.0f}"
    return str(x)


def markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = ["# Benchmarks", "",
             "Written by `lexwatch bench`. Every ratio is lexwatch ÷ baseline, both measured in the same run on "
             "the same data (throughput rows: higher is better; latency, request and memory rows: lower is "
             "better). The machine is shared, so absolute numbers are noisy; ratios are the figures to read.",
             "", f"Run: `{meta['command']}` — {meta['scale']}, Python {meta['python']}, {meta['cpus']} CPUs, "
             f"{meta['seconds']:.0f} s in all, Elasticsearch {'at ' + meta['es'] if meta['es'] else 'not given'}.",
             "", "| stage | scale | lexwatch | baseline | unit | ratio | goal | meets goal | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}"
        meets = {True: "yes", False: "**no**", None: "—"}[r["meets"]]
        lines.append(f"| {r['stage']} | {r['scale']} | {_fmt(r['lexwatch'])} | {_fmt(r['baseline'])} | {r['unit']} | "
                     f"{ratio} | {r['goal']} | {meets} | {r.get('note', '')} |")
    return "\n".join(lines) + "\n"
