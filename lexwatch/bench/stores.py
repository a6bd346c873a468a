"""Store benchmarks: upsert throughput against the engines' plain bulk paths, and search/timeline
latency of the embedded store against Elasticsearch on the same synthetic articles."""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from index.sqlite_store import SqliteStore
from index.store import Filters, Store
from lexwatch.bench.synthetic import synthetic_articles
from nlp.morph import lemma_text

# Twenty queries an analyst types: ru, az, en words and phrases, with and without filters.
QUERIES: list[tuple[str, Filters]] = [
    ("дипфейк", Filters()), ("штраф", Filters(relevant=True)), ('"уголовный кодекс"', Filters()),
    ("закон OR поправка", Filters(languages=["ru"])), ("дипфейк -спорт", Filters(jurisdictions=["KZ"])),
    ("cərimə", Filters()), ("qanun layihə", Filters(languages=["az"])), ("dipfeyk OR deepfake", Filters()),
    ('"süni intellekt"', Filters(relevant=True)), ("məhkəmə", Filters(date_from="2024-01-01")),
    ("deepfake", Filters()), ("fine parliament", Filters(languages=["en"])), ('"artificial intelligence"', Filters()),
    ("labeling OR liability", Filters(stages=["adopted", "signed"])), ("court -football", Filters()),
    ("", Filters(relevant=True)), ("", Filters(jurisdictions=["AZ"], date_from="2025-01-01")),
    ("закон", Filters(outlets=["kursiv"], date_from="2023-06-01", date_to="2024-06-30")),
    ("deputy", Filters(relevant=True, jurisdictions=["KZ"])), ("манат OR manat", Filters()),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_queries(store: Store, repeats: int = 3) -> dict[str, float]:
    samples = []
    for _ in range(repeats):
        for query, filters in QUERIES:
            start = time.perf_counter()
            store.search(query, filters, size=20)
            samples.append(time.perf_counter() - start)
    return {"p50_ms": statistics.median(samples) * 1000, "p95_ms": percentile(samples, 0.95) * 1000}


def time_timelines(store: Store, repeats: int = 5) -> dict[str, float]:
    samples = []
    for _ in range(repeats):
        for query, filters in (("", Filters(relevant=True)), ("", Filters()), ("дипфейк OR deepfake", Filters())):
            start = time.perf_counter()
            store.timeline(query, filters, interval="month", split="jurisdiction")
            samples.append(time.perf_counter() - start)
    return {"p50_ms": statistics.median(samples) * 1000, "p95_ms": percentile(samples, 0.95) * 1000}


def bench_sqlite_upsert(n: int, workdir: Path) -> dict[str, Any]:
    articles = list(synthetic_articles(n))
    store = SqliteStore(f"sqlite:///{workdir / 'upsert.db'}")
    start = time.perf_counter()
    store.upsert(articles)
    ours = n / (time.perf_counter() - start)
    store.close()
    # Baseline: the same rows, already prepared, into the same tables with plain executemany.
    base = SqliteStore(f"sqlite:///{workdir / 'baseline.db'}")
    rows = [base._row(a) for a in articles]
    lemmas = [lemma_text(f"{a.title}\n{a.body}", a.language) for a in articles]
    start = time.perf_counter()
    base.db.execute("BEGIN")
    base.db.executemany("""INSERT INTO articles (id, canonical_url, outlet, edition, language, stage, relevant,
        published_at, published_ts, published_day, fetched_ts, content_hash, doc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                        rows)
    base.db.executemany("INSERT INTO articles_fts(rowid, lemmas) VALUES (?,?)", list(enumerate(lemmas, 1)))
    base.db.execute("COMMIT")
    baseline = n / (time.perf_counter() - start)
    base.close()
    return {"lexwatch": ours, "baseline": baseline, "unit": "docs/s", "n": n}


def bench_es_upsert(es_url: str, n: int) -> dict[str, Any]:
    from elasticsearch import Elasticsearch, helpers

    from index.es_store import ElasticsearchStore, mapping_file, to_document
    articles = list(synthetic_articles(n, seed=11))
    alias = "lexwatch-bench-upsert"
    store = ElasticsearchStore(f"{es_url}/{alias}")
    client = Elasticsearch(es_url)
    try:
        start = time.perf_counter()
        store.upsert(articles)
        ours = n / (time.perf_counter() - start)
        docs = [to_document(a) for a in articles]
        index = "lexwatch-bench-baseline"
        spec = mapping_file()
        client.options(ignore_status=404).indices.delete(index=index)
        client.indices.create(index=index, settings=spec["settings"], mappings=spec["mappings"])
        start = time.perf_counter()
        helpers.bulk(client, ({"_index": index, "_id": d["id"], "_source": d} for d in docs), chunk_size=500)
        client.indices.refresh(index=index)
        baseline = n / (time.perf_counter() - start)
        client.options(ignore_status=404).indices.delete(index=index)
    finally:
        store.drop()
    return {"lexwatch": ours, "baseline": baseline, "unit": "docs/s", "n": n}


def bench_search(n: int, workdir: Path, es_url: str | None) -> dict[str, Any]:
    embedded = SqliteStore(f"sqlite:///{workdir / 'search.db'}")
    embedded.upsert(synthetic_articles(n, seed=3))
    out: dict[str, Any] = {"n": n, "embedded_search": time_queries(embedded),
                           "embedded_timeline": time_timelines(embedded)}
    embedded.close()
    if es_url:
        from index.es_store import ElasticsearchStore
        es = ElasticsearchStore(f"{es_url}/lexwatch-bench-search")
        try:
            es.upsert(synthetic_articles(n, seed=3))
            out["es_search"] = time_queries(es)
            out["es_timeline"] = time_timelines(es)
        finally:
            es.drop()
    return out


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="lexwatch-bench-"))
