"""Store benchmarks: upsert throughput against the engines' plain bulk paths, and search/timeline
latency of the embedded store against Elasticsearch on the same synthetic articles."""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from lexwatch.index import facet_terms, time_keys
from lexwatch.index.sqlite_store import SqliteStore
from lexwatch.index.store import Filters, Store, batched
from lexwatch.article import Article
from lexwatch.bench.bigsite import OUTLET   # one outlet of the corpus to filter on: the one the big site copies
from lexwatch.bench.synthetic import synthetic_articles
from lexwatch.nlp.morph import lemma_text

BATCH = 500   # articles per upsert call: the stores' own batch size
STREAM_BLOCK = 10_000   # articles per timed Elasticsearch block (a stream, written in BATCH-sized requests)

# Twenty queries an analyst types: ru, az, en words and phrases, with and without filters.
QUERIES: list[tuple[str, Filters]] = [
    ("дипфейк", Filters()), ("штраф", Filters(relevant=True)), ('"уголовный кодекс"', Filters()),
    ("закон OR поправка", Filters(languages=["ru"])), ("дипфейк -спорт", Filters(jurisdictions=["KZ"])),
    ("cərimə", Filters()), ("qanun layihə", Filters(languages=["az"])), ("dipfeyk OR deepfake", Filters()),
    ('"süni intellekt"', Filters(relevant=True)), ("məhkəmə", Filters(date_from="2024-01-01")),
    ("deepfake", Filters()), ("fine parliament", Filters(languages=["en"])), ('"artificial intelligence"', Filters()),
    ("labeling OR liability", Filters(stages=["adopted", "signed"])), ("court -football", Filters()),
    ("", Filters(relevant=True)), ("", Filters(jurisdictions=["AZ"], date_from="2025-01-01")),
    ("закон", Filters(outlets=[OUTLET], date_from="2023-06-01", date_to="2024-06-30")),
    ("deputy", Filters(relevant=True, jurisdictions=["KZ"])), ("манат OR manat", Filters()),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_queries(store: Store, repeats: int = 3) -> dict[str, float]:
    for query, filters in QUERIES:   # warm-up: caches of both engines, equally
        store.search(query, filters, size=20)
    samples = []
    for _ in range(repeats):
        for query, filters in QUERIES:
            start = time.perf_counter()
            store.search(query, filters, size=20)
            samples.append(time.perf_counter() - start)
    return {"p50_ms": statistics.median(samples) * 1000, "p95_ms": percentile(samples, 0.95) * 1000}


def time_timelines(store: Store, repeats: int = 5) -> dict[str, float]:
    timelines = (("", Filters(relevant=True)), ("", Filters()), ("дипфейк OR deepfake", Filters()),
                 ("", Filters(languages=["ru"], date_from="2023-01-01")))
    for query, filters in timelines:   # warm-up
        store.timeline(query, filters, interval="month", split="jurisdiction")
    samples = []
    for _ in range(repeats):
        for query, filters in timelines:
            start = time.perf_counter()
            store.timeline(query, filters, interval="month", split="jurisdiction")
            samples.append(time.perf_counter() - start)
    return {"p50_ms": statistics.median(samples) * 1000, "p95_ms": percentile(samples, 0.95) * 1000}


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def bench_embedded(n: int, workdir: Path, progress: Callable[[str], None] = lambda _: None,
                   seed: int = 3, baseline_run: bool = True) -> tuple[dict[str, Any], SqliteStore]:
    """Upsert n synthetic articles through SqliteStore, chunk by chunk, and, per chunk, the same rows
    (prepared outside the clock: time key, row tuple, JSON, lemmas, facet words) with plain executemany into the same tables
    of another file. Returns the figures and the filled store (kept for the search stage).
    Without `baseline_run` (a search-only run) only the store is filled."""
    store = SqliteStore(f"sqlite:///{workdir / 'search.db'}")
    base_path = workdir / "baseline.db"
    base = SqliteStore(f"sqlite:///{base_path}") if baseline_run else None
    ours = baseline = 0.0
    done = rowid = 0
    keys = time_keys.Allocator(None)   # the same time keys the store gives in a fresh file
    for chunk in batched(synthetic_articles(n, seed=seed), BATCH):
        start = time.perf_counter()
        store.upsert(chunk)
        ours += time.perf_counter() - start
        done += len(chunk)
        if done % 100_000 == 0:
            progress(f"  embedded: {done:,} of {n:,} articles")
        if base is None:
            continue
        rows = [(rowid + i,) + base._row(a) for i, a in enumerate(chunk, 1)]
        time_key = [(keys.key(time_keys.prefix(r[10])), r[0]) for r in rows]
        fts = [(key, lemma_text(f"{a.title}\n{a.body}", a.language),
                facet_terms.document(r[5], r[3], r[6], r[7], a.deepfake.get("jurisdictions") or []))
               for (key, _), a, r in zip(time_key, chunk, rows)]
        fts.sort()   # as the store writes them: in key order
        juris = [(code, r[0]) for a, r in zip(chunk, rows) for code in a.deepfake.get("jurisdictions") or []]
        rowid += len(chunk)
        start = time.perf_counter()
        base.db.execute("BEGIN")
        base.db.executemany("""INSERT INTO articles (rowid, id, canonical_url, outlet, edition, language, stage,
            relevant, published_at, published_ts, published_day, fetched_ts, content_hash, doc)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows)
        base.db.executemany("INSERT INTO article_keys(key, article_rowid) VALUES (?,?)", time_key)
        base.db.executemany("INSERT INTO articles_fts(rowid, lemmas, facets) VALUES (?,?,?)", fts)
        base.db.executemany("INSERT INTO article_jurisdictions(code, article_rowid) VALUES (?,?)", juris)
        base.db.execute("COMMIT")
        baseline += time.perf_counter() - start
    if base is None:
        return {"lexwatch": n / ours, "baseline": None, "unit": "docs/s", "n": n}, store
    base.close()
    _remove_db(base_path)
    return {"lexwatch": n / ours, "baseline": n / baseline, "unit": "docs/s", "n": n,
            "note": f"{ours:.1f} s vs {baseline:.1f} s for {n:,} docs"}, store


def bench_es(es_url: str, n: int, progress: Callable[[str], None] = lambda _: None,
             seed: int = 3, baseline_run: bool = True) -> tuple[dict[str, Any], Any]:
    """Upsert n synthetic articles through ElasticsearchStore, a stream of STREAM_BLOCK at a time, and
    the same prepared documents with helpers.bulk (BATCH per request) into an index with the same mapping. Returns the figures and the
    filled store (kept for the search stage; the baseline index is deleted)."""
    from elasticsearch import helpers

    from lexwatch.index.es_connection import connect
    from lexwatch.index.es_documents import mapping_file, to_document
    from lexwatch.index.es_store import ElasticsearchStore
    store = ElasticsearchStore(f"{es_url}/lexwatch-bench-search")
    store.drop()
    store.refresh = False   # the crawl's write path (crawler/context.py); one refresh at the end, timed below
    client, _ = connect(es_url, request_timeout=120)   # credentials and trust as the store's
    index = "lexwatch-bench-baseline"
    spec = mapping_file()
    client.options(ignore_status=404).indices.delete(index=index)
    if baseline_run:
        client.indices.create(index=index, settings=spec["settings"], mappings=spec["mappings"])
    ours = baseline = 0.0
    done = 0

    def timed_upsert(block: list[Article]) -> float:
        start = time.perf_counter()
        store.upsert(iter(block))
        return time.perf_counter() - start

    def timed_bulk(docs: list[dict[str, Any]]) -> float:
        start = time.perf_counter()
        helpers.bulk(client, ({"_index": index, "_id": d["id"], "_source": d} for d in docs), chunk_size=BATCH)
        return time.perf_counter() - start

    try:
        # Blocks of a stream (as reprocess and migrations hand it to upsert), taking turns at going
        # first so that neither side always meets the other's segment merges.
        for turn, block in enumerate(batched(synthetic_articles(n, seed=seed), STREAM_BLOCK)):
            if not baseline_run:
                ours += timed_upsert(block)
            elif turn % 2:
                baseline += timed_bulk([to_document(a) for a in block])
                ours += timed_upsert(block)
            else:
                ours += timed_upsert(block)
                baseline += timed_bulk([to_document(a) for a in block])
            done += len(block)
            if done % 100_000 == 0:
                progress(f"  Elasticsearch: {done:,} of {n:,} articles")
        start = time.perf_counter()
        client.indices.refresh(index="lexwatch-bench-search")
        ours += time.perf_counter() - start
        if baseline_run:
            start = time.perf_counter()
            client.indices.refresh(index=index)
            baseline += time.perf_counter() - start
    finally:
        client.options(ignore_status=404).indices.delete(index=index)
    if not baseline_run:
        return {"lexwatch": n / ours, "baseline": None, "unit": "docs/s", "n": n}, store
    return {"lexwatch": n / ours, "baseline": n / baseline, "unit": "docs/s", "n": n,
            "note": f"{ours:.1f} s vs {baseline:.1f} s for {n:,} docs"}, store


def bench_stores(n: int, workdir: Path, es_url: str | None,
                 progress: Callable[[str], None] = lambda _: None, baselines: bool = True) -> dict[str, Any]:
    """Index figures of both stores and search/timeline latency on the same n articles. Without
    `baselines` the index baselines are not written (a search-only run: half the time at 1M)."""
    progress(f"index (embedded): {n:,} upserts" + (" vs plain executemany …" if baselines else " …"))
    out: dict[str, Any] = {"n": n}
    out["index_embedded"], embedded = bench_embedded(n, workdir, progress, baseline_run=baselines)
    progress("search and timeline (embedded) …")
    out["embedded_search"] = time_queries(embedded)
    out["embedded_timeline"] = time_timelines(embedded)
    embedded.close()
    out["store_path"] = str(workdir / "search.db")
    if es_url:
        progress(f"index (Elasticsearch): {n:,} upserts" + (" vs helpers.bulk …" if baselines else " …"))
        out["index_es"], es = bench_es(es_url, n, progress, baseline_run=baselines)
        try:
            # Right after a bulk load Elasticsearch goes on merging segments for many minutes (17 at
            # 1M); queries timed then would share the cores with the merges. The embedded store merges
            # inside its writes, so both are timed at rest.
            out["es_merge_wait_s"] = wait_for_merges(es.es, es.alias, progress)
            progress("search and timeline (Elasticsearch) …")
            out["es_search"] = time_queries(es)
            # Repeating a timeline lets ES answer from its shard request cache, which the embedded
            # store does not have; the compared figure is the engines' work, the cached one is noted.
            out["es_timeline_cached"] = time_timelines(es)
            es.request_cache = False
            out["es_timeline"] = time_timelines(es)
        finally:
            es.drop()
    return out


def wait_for_merges(client, index: str, progress: Callable[[str], None] = lambda _: None,
                    limit: float = 1800.0) -> float:
    """Seconds until `index` has had no merge running for three polls in a row (at most `limit`)."""
    start = time.perf_counter()
    quiet = 0
    while quiet < 3 and time.perf_counter() - start < limit:
        stats = client.indices.stats(index=index, metric="merge")
        quiet = quiet + 1 if stats["_all"]["total"]["merges"]["current"] == 0 else 0
        time.sleep(1.0)
    waited = time.perf_counter() - start
    progress(f"  Elasticsearch: merges settled after {waited:.0f} s")
    return round(waited, 1)


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="lexwatch-bench-"))
