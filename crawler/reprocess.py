"""Re-run extraction, language identification and tagging over captured WARCs, without network.

The latest capture of each story wins (files are read in capture order); pages the analyzer
cannot use are counted, not fatal; a WARC truncated by a killed crawl is read up to the damage.

Analysis is CPU-bound and pages are independent, so `workers` > 1 analyzes in that many worker
processes. Results come back in the pages' order (`Executor.map` keeps it), so the store receives
the same articles in the same batches as with one worker: the stored result is identical, only
sooner. The parent builds the language models once (while a forked reader reads the WARCs) and
then forks the workers, which share them (copy-on-write) instead of each loading them again (~3 s
of CPU a process); it forks before opening the store, so no store thread is copied half-way. The
parent then writes the store while the workers analyse (`lexwatch.bench.reprocess` measures it).
"""
from __future__ import annotations

import multiprocessing
from contextlib import nullcontext
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Iterable, Iterator

from lexwatch.crawler.pipelines.analyze import WARM_UP, analyze, usable_cores, warm_up
from lexwatch.developments.step import attach
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


def _fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def read_pages(warc_dir: str | Path) -> tuple[int, list[tuple], list[str]]:
    """(response records read, the latest 200 capture of each story as analysis arguments, damage found)."""
    problems: list[str] = []
    latest: dict[str, Any] = {}
    records = 0
    for captured in read_responses(warc_dir, problems):
        records += 1
        if captured.status == 200:
            latest[canonical_url(captured.url)] = captured
    pages = [(c.body, c.url, c.outlet, c.edition or None, c.content_type, c.fetched_at) for c in latest.values()]
    return records, pages, problems


def read_and_warm_up(warc_dir: str | Path) -> tuple[int, list[tuple], list[str]]:
    """read_pages, while this process builds the models the workers will share: both are serial work
    before any worker can start, so a forked reader decompresses and parses the WARCs meanwhile.
    Every language is built, as the corpus's are not known until it is read."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as reader:
        reading = reader.submit(read_pages, warc_dir)
        warm_up(sorted(WARM_UP), "https://warm-up.invalid/warm-up", "other")
        return reading.result()


def start_pool(workers: int) -> ProcessPoolExecutor | None:
    """None for one worker (analysis here); else `workers` processes, forked (Linux) so that they share
    the models this process has built, elsewhere spawned (each builds its own). Call before anything in
    this process starts a thread."""
    if workers <= 1:
        return None
    method = "fork" if _fork_available() else "spawn"
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
    parallel = workers > 1 and _fork_available()
    records, pages, problems = read_and_warm_up(warc_dir) if parallel else read_pages(warc_dir)
    stats = {"records": records, "pages": len(pages), "analyzed": 0, "unusable": 0,
             "created": 0, "updated": 0, "unchanged": 0, "store_errors": 0, "damaged_files": problems,
             "workers": workers}
    batch = []
    pool = start_pool(min(workers, max(1, len(pages))))
    with open_store(store_url) as store, pool or nullcontext():
        def flush() -> None:
            report = store.upsert(batch)
            attach(store, batch)   # the GROUP step: a retagged article may change development
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
