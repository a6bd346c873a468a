"""A large synthetic store exported in bounded memory: the peak RSS growth of a fresh process does
not grow with the number of articles exported, per format.

The numbers come from lexwatch.export.memory.measure_export, which `lexwatch bench` also uses; the
bench holds the absolute goal (peak RSS, BENCHMARKS.md). A test keeps only bounds a busy machine
cannot break: an export of five times the articles may cost at most SLOPE_MB more (streaming costs
about the same, ~10 MB apart in the bench's 10k/100k/1M runs; holding the extra 40,000 articles,
over 80 MB of JSON, would cost well over 150 MB), and no export may grow by CEILING_MB.
"""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from lexwatch.export.memory import build_synthetic_store, measure_export

SMALL, LARGE = 10_000, 50_000
SLOPE_MB = 60
CEILING_MB = 400


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    root = tmp_path_factory.mktemp("large")
    return {n: build_synthetic_store(root / f"lexwatch-{n}.db", n) for n in (SMALL, LARGE)}


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_export_streams_in_bounded_memory(stores, tmp_path, fmt):
    small = measure_export(stores[SMALL], fmt, tmp_path / f"small.{fmt}")
    large = measure_export(stores[LARGE], fmt, tmp_path / f"large.{fmt}")
    print(small, large)
    assert (small["articles"], large["articles"]) == (SMALL, LARGE)
    assert large["growth_mb"] - small["growth_mb"] < SLOPE_MB, (small, large)
    assert large["growth_mb"] < CEILING_MB, large
    # the extra articles are far larger than the slope allowed, so the slope means something
    assert large["bytes"] - small["bytes"] > 80 * 1024 * 1024 or fmt == "parquet"
    if fmt == "parquet":
        assert pq.ParquetFile(tmp_path / "large.parquet").metadata.num_rows == LARGE
        assert pq.ParquetFile(tmp_path / "large.parquet").metadata.num_row_groups > 1
