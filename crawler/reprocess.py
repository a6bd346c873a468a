"""Re-run extraction, language identification and tagging over captured WARCs, without network.

The latest capture of each story wins (files are read in capture order); pages the analyzer
cannot use are counted, not fatal; a WARC truncated by a killed crawl is read up to the damage.

Analysis is CPU-bound and pages are independent, so `workers` > 1 analyzes in that many worker
processes. Results come back in the pages' order (`Executor.map` keeps it), so the store receives
the same articles in the same batches as with one worker: the stored result is identical, only
sooner. The parent builds the language models of the corpus's editions once and then forks the
workers, which share them (copy-on-write) instead of each loading them again (~3 s of CPU a
process); it forks before opening the store, so no store thread is copied half-way. The parent
then writes the store while the workers analyse (see `lexwatch.bench.reprocess` for the figures).
"""
from __future__ import annotations

import multiprocessing
from contextlib import nullcontext
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Iterable, Iterator

from lexwatch.crawler.pipelines.analyze import WARM_UP, analyze, usable_cores, warm_up
from lexwatch.crawler.warc import read_responses, warc_files
from lexwatch.urls import canonical_url

# Pages sent to a worker at a time: large enough that pickling round trips are a small share of
# a page's ~5-20 ms analysis, small enough that both workers stay busy to the end of a corpus.
CHUNK = 8


def default_workers() -> int:
    """Every core this process may use: reprocessing has nothing else to run."""
    return usable_cores()


def analyze_or_none(args: tuple) -> Any:
    """One page -> its Article, or None when the analyzer cannot use it (AnalysisError)."""
    from lexwatch.nlp import AnalysisError
    try:
        return analyze(*args)
    except AnalysisError:
        return None


def start_pool(pages: list[tuple], workers: int) -> ProcessPoolExecutor | None:
    """Workers forked after this process has built the models of the pages' editions; None for one
    worker (analysis here). Call before anything in this process starts a thread."""
    if workers <= 1:
        return None
    langs = sorted({edition for _, _, _, edition, _, _ in pages if edition in WARM_UP})
    if pages and langs:
        warm_up(langs, pages[0][1], pages[0][2])
    # fork (Linux) shares the built models; elsewhere spawn, where each worker builds its own
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method))
    pool.submit(int).result()   # fork now: a fork pool starts all its workers at the first task
    return pool


def analyzed(pages: Iterable[tuple], pool: ProcessPoolExecutor | None) -> Iterator[Any]:
    """Articles (or None) for `pages`, in their order."""
    if pool is None:
        for args in pages:
            yield analyze_or_none(args)
        return
    yield from pool.map(analyze_or_none, pages, chunksize=CHUNK)


def reprocess(warc_dir: str | Path, store_url: str, batch_size: int = 200, workers: int = 1) -> dict[str, Any]:
    from lexwatch.index.factory import open_store

    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if not warc_files(warc_dir):
        raise FileNotFoundError(f"no WARC files under {warc_dir}")
    problems: list[str] = []
    latest: dict[str, Any] = {}
    records = 0
    for captured in read_responses(warc_dir, problems):
        records += 1
        if captured.status == 200:
            latest[canonical_url(captured.url)] = captured
    stats = {"records": records, "pages": len(latest), "analyzed": 0, "unusable": 0,
             "created": 0, "updated": 0, "unchanged": 0, "store_errors": 0, "damaged_files": problems,
             "workers": workers}
    pages = [(c.body, c.url, c.outlet, c.edition or None, c.content_type, c.fetched_at) for c in latest.values()]
    latest.clear()
    batch = []
    pool = start_pool(pages, min(workers, max(1, len(pages))))
    with open_store(store_url) as store, pool or nullcontext():
        def flush() -> None:
            report = store.upsert(batch)
            stats["created"] += report.created
            stats["updated"] += report.updated
            stats["unchanged"] += report.unchanged
            stats["store_errors"] += len(report.errors)
            batch.clear()

        for article in analyzed(pages, pool):
            if article is None:
                stats["unusable"] += 1
                continue
            stats["analyzed"] += 1
            batch.append(article)
            if len(batch) >= batch_size:
                flush()
        flush()
    return stats
