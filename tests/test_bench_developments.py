"""The developments benchmark (lexwatch/bench/developments.py) runs and reports sane figures;
timings are not asserted (a shared machine), only that they were taken."""
from __future__ import annotations

from lexwatch.bench import report
from lexwatch.bench.developments import measure_tracker, replica_pages


def test_tracker_measurement_on_a_small_synthetic_corpus(tmp_path):
    m = measure_tracker(2_000, tmp_path, None, progress=lambda _: None, repeats=2)
    assert 0 < m["developments"] <= m["relevant"] < 2_000
    assert m["embedded"]["p95_ms"] > 0 and m["embedded"]["tracks"] > 0 and "es" not in m


def test_the_stage_is_offered_and_reads_every_replica_page():
    assert "developments" in report.STAGES
    pages = replica_pages()
    assert {outlet for outlet, _, _, _ in pages} >= {"report", "kazinform", "kursiv"} and len(pages) >= 123
