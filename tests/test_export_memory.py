"""A large synthetic store exported in bounded memory: peak RSS growth of a fresh process, per format.

The numbers come from lexwatch.export.memory.measure_export, which BENCHMARKS.md also uses.
"""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from lexwatch.export.memory import build_synthetic_store, measure_export

ARTICLES = 50_000
MAX_GROWTH_MB = 150     # generous: loading 50k articles at once would take several hundred MB


@pytest.fixture(scope="module")
def large_store(tmp_path_factory):
    return build_synthetic_store(tmp_path_factory.mktemp("large") / "lexwatch.db", ARTICLES)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_export_streams_in_bounded_memory(large_store, tmp_path, fmt):
    out = tmp_path / f"large.{fmt}"
    result = measure_export(large_store, fmt, out)
    print(result)
    assert result["articles"] == ARTICLES
    assert result["growth_mb"] < MAX_GROWTH_MB, result
    # the whole corpus is far larger than the bound, so the bound means something
    assert result["bytes"] > 100 * 1024 * 1024 or fmt == "parquet"
    if fmt == "parquet":
        assert pq.ParquetFile(out).metadata.num_rows == ARTICLES
        assert pq.ParquetFile(out).metadata.num_row_groups > 1
