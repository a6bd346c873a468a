"""Re-run extraction, language identification and tagging over captured WARCs, without network.

The latest capture of each story wins (files are read in capture order); pages the analyzer
cannot use are counted, not fatal; a WARC truncated by a killed crawl is read up to the damage.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from lexwatch.crawler.pipelines.analyze import analyze
from lexwatch.developments.step import attach
from lexwatch.crawler.warc import read_responses, warc_files
from lexwatch.urls import canonical_url


def reprocess(warc_dir: str | Path, store_url: str, batch_size: int = 200) -> dict[str, Any]:
    from lexwatch.index.factory import open_store
    from lexwatch.nlp import AnalysisError

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
             "created": 0, "updated": 0, "unchanged": 0, "store_errors": 0, "damaged_files": problems}
    batch = []
    with open_store(store_url) as store:
        def flush() -> None:
            report = store.upsert(batch)
            attach(store, batch)   # the GROUP step: a retagged article may change development
            stats["created"] += report.created
            stats["updated"] += report.updated
            stats["unchanged"] += report.unchanged
            stats["store_errors"] += len(report.errors)
            batch.clear()

        for captured in latest.values():
            try:
                article = analyze(captured.body, captured.url, captured.outlet, captured.edition or None,
                                  captured.content_type, captured.fetched_at)
            except AnalysisError:
                stats["unusable"] += 1
                continue
            stats["analyzed"] += 1
            batch.append(article)
            if len(batch) >= batch_size:
                flush()
        flush()
    return stats
