"""Benchmarks of the GROUP step (lexwatch.developments), for `lexwatch bench --stages developments`.

1. step cost: every replica page is analysed (extract -> language -> tag, timed) and then stored in
   crawl-sized batches into a scratch SQLite store, where the GROUP step (attach) is timed apart from
   the upsert. Goal: the step costs at most 10% of analysis time per article.
2. tracker at scale: `articles` synthetic articles (lexwatch.bench.synthetic, ~8% relevant, given
   instruments in the proportions of the replicas: most name one, a fifth none) are grouped
   (a full rebuild, timed), written to the embedded store and to Elasticsearch when given, and
   the tracker's questions (all tracks; one country; one instrument; since a day) are timed on
   both. Goal: as the search goal, p95 <= 1.5 x Elasticsearch's.
"""
from __future__ import annotations

import random
import statistics
import time
from pathlib import Path
from typing import Any, Callable

BATCH = 20          # the crawl's store pipeline writes this many articles at a time (LEXWATCH_STORE_BATCH)
INSTRUMENTS = ("Criminal Code", "Law on Artificial Intelligence", "Code of Administrative Offences", "Law on Media",
               "Law on Personal Data")


def replica_pages() -> list[tuple[str, str, bytes, str]]:
    """(outlet, real URL, page bytes, content type) of every replica article page, latest version."""
    import json

    from lexwatch.bundled import bundled_dir
    out = []
    for base in sorted(d for d in bundled_dir("replicas").iterdir() if (d / "manifest.json").is_file()):
        outlet = base.name
        manifest = json.loads((base / "manifest.json").read_text(encoding="utf-8"))
        routes = json.loads((base / "routes.json").read_text(encoding="utf-8"))
        for entry in manifest:
            route = None
            for days in routes.values():
                for day in sorted(days, reverse=True):
                    route = route or days[day].get(entry["path"])
            if route and "html" in route.get("type", ""):
                out.append((outlet, entry["real_url"], (base / "files" / route["file"]).read_bytes(), route["type"]))
    return out


def measure_step(workdir: Path, rounds: int = 3) -> dict[str, Any]:
    from lexwatch.developments.step import attach
    from lexwatch.index import open_store
    from lexwatch.nlp.pipeline import analyze_page

    pages = replica_pages()
    for outlet, url, body, ctype in pages:       # warm-up: every language's pipeline built once
        analyze_page(body, url, outlet=outlet, content_type=ctype)
    analysis = group = 0.0
    for round_ in range(rounds):
        articles = []
        start = time.perf_counter()
        for outlet, url, body, ctype in pages:
            articles.append(analyze_page(body, url, outlet=outlet, content_type=ctype,
                                         fetched_at="2026-12-01T00:00:00+00:00"))
        analysis += time.perf_counter() - start
        random.Random(round_).shuffle(articles)
        with open_store(f"sqlite:///{workdir / f'step-{round_}.db'}") as store:
            for i in range(0, len(articles), BATCH):
                batch = articles[i:i + BATCH]
                store.upsert(batch)
                start = time.perf_counter()
                attach(store, batch)
                group += time.perf_counter() - start
            developments = len(store.list_developments(members=False))
    n = rounds * len(pages)
    return {"articles": n, "analysis_ms": 1000 * analysis / n, "group_ms": 1000 * group / n,
            "ratio": group / analysis, "developments": developments,
            "relevant": sum(a.deepfake["relevant"] for a in articles)}


def _named(articles):
    rng = random.Random(19)
    for a in articles:
        if a.deepfake.get("relevant") and rng.random() < 0.8:
            name = rng.choice(INSTRUMENTS)
            a.deepfake["instruments"] = [{"name": name, "article": None, "part": None, "text": name}]
        yield a


def _p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, int(round(0.95 * len(samples))) - 1)]


def measure_tracker(n: int, workdir: Path, es_url: str | None, progress: Callable[[str], None],
                    repeats: int = 10) -> dict[str, Any]:
    from lexwatch.bench.synthetic import synthetic_articles
    from lexwatch.developments.grouping import group
    from lexwatch.developments.keys import member_of
    from lexwatch.developments.tracks import find_tracks
    from lexwatch.index import open_store

    progress(f"developments: grouping the relevant articles of {n:,} synthetic ones …")
    members = [m for m in map(member_of, _named(synthetic_articles(n))) if m is not None]
    start = time.perf_counter()
    developments = group(members)
    rebuild_s = time.perf_counter() - start
    questions = [{}, {"countries": ["KZ"]}, {"instruments": ["law-on-artificial-intelligence"]},
                 {"since": "2026-01-01"}, {"countries": ["AZ"], "stages": ["signed"]}]
    out: dict[str, Any] = {"articles": n, "relevant": len(members), "developments": len(developments),
                           "rebuild_s": rebuild_s}
    stores = {"embedded": f"sqlite:///{workdir / 'tracker.db'}"}
    if es_url:
        stores["es"] = f"{es_url.rstrip('/')}/lexwatch-bench-tracker"
    for name, url in stores.items():
        with open_store(url) as store:
            progress(f"developments: tracker questions on the {name} store ({len(developments):,} developments) …")
            store.clear_developments()
            for i in range(0, len(developments), 2000):
                store.replace_developments([], developments[i:i + 2000])
            for q in questions:                     # warm-up
                find_tracks(store, **q)
            times = []
            for _ in range(repeats):
                for q in questions:
                    start = time.perf_counter()
                    find_tracks(store, **q)
                    times.append(1000 * (time.perf_counter() - start))
            out[name] = {"p95_ms": _p95(times), "p50_ms": statistics.median(times),
                         "tracks": len(find_tracks(store))}
            if name == "es":
                store.drop()
    return out


def bench_rows(sizes: dict[str, int], es_url: str | None, progress: Callable[[str], None], workdir: Path,
               row: Callable[..., dict[str, Any]]) -> list[dict[str, Any]]:
    """The BENCHMARKS.md rows (report._row builds them)."""
    progress("developments: GROUP step vs analysis, per article, on the replica pages …")
    m = measure_step(workdir, rounds=sizes.get("analysis_rounds", 3))
    rows = [row("developments step", f"{m['articles']} replica articles, batches of {BATCH}", m["group_ms"],
                m["analysis_ms"], "ms/article", "≤ 0.10 × analysis", m["ratio"] <= 0.10,
                note=f"{m['relevant']} relevant → {m['developments']} developments; incremental attach into SQLite, "
                     f"upsert not counted; analysis = extract + language + tag")]
    n = sizes["articles"]
    t = measure_tracker(n, workdir, es_url, progress)
    scale = f"{n:,} articles ({t['relevant']:,} relevant, {t['developments']:,} developments)"
    note = f"p50 {t['embedded']['p50_ms']:.1f} ms; {t['embedded']['tracks']:,} tracks; rebuild (grouping) {t['rebuild_s']:.1f} s"
    if "es" in t:
        rows.append(row("tracker p95 (5 questions)", scale, t["embedded"]["p95_ms"], t["es"]["p95_ms"], "ms",
                        "≤ 1.5 × ES p95", t["embedded"]["p95_ms"] <= 1.5 * t["es"]["p95_ms"],
                        note=note + f"; ES p50 {t['es']['p50_ms']:.1f} ms"))
    else:
        rows.append(row("tracker p95 (5 questions)", scale, t["embedded"]["p95_ms"], None, "ms", "≤ 1.5 × ES p95",
                        None, note=note + "; no --es URL, no ES baseline"))
    return rows
