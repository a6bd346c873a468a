"""`lexwatch reprocess --workers N`: the store it builds is the one a single worker builds, written in
the same order; pages the analyzer cannot use are counted the same way."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from lexwatch.bench.reprocess import build_corpus
from lexwatch.crawler.reprocess import reprocess
from lexwatch.crawler.run import child_env
from lexwatch.crawler.warc import RotatingWarcWriter


def _rows_in_write_order(path) -> list[tuple]:
    """Every article row in the order the store wrote it (rowid), the whole record included."""
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id, content_hash, doc FROM articles ORDER BY rowid").fetchall()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    warc = tmp_path_factory.mktemp("warc")
    build_corpus(warc, 45)
    # two pages no analyzer can use, between the good ones' files: counted, not stored, in either mode
    writer = RotatingWarcWriter(warc, "lexwatch-zz-unusable")
    for n in range(2):
        writer.write(f"https://kz.kursiv.media/ru/2025-01-0{n + 1}/empty-{n}/", 200,
                     [("Content-Type", "text/html")], b"<html><body></body></html>", [],
                     "2026-01-02T00:00:00+00:00", {"outlet": "kursiv", "site": "kursiv", "edition": "ru"})
    writer.close()
    return warc


def test_two_workers_store_what_one_stores_in_the_same_order(corpus, tmp_path):
    one = reprocess(corpus, f"sqlite:///{tmp_path}/one.db", batch_size=7, workers=1)
    two = reprocess(corpus, f"sqlite:///{tmp_path}/two.db", batch_size=7, workers=2)
    assert one["analyzed"] == 45 and one["unusable"] == 2
    assert {k: v for k, v in two.items() if k != "workers"} == {k: v for k, v in one.items() if k != "workers"}
    rows = _rows_in_write_order(tmp_path / "one.db")
    assert len(rows) == 45
    assert _rows_in_write_order(tmp_path / "two.db") == rows


def test_reprocess_command_uses_workers_and_refuses_zero(corpus, tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "lexwatch.cli", "reprocess", "--warc-dir", str(corpus),  # noqa: E731
                                     "--store", f"sqlite:///{tmp_path}/cli.db", *a],
                                    capture_output=True, text=True, env=child_env(), timeout=600)
    done = run("--workers", "2", "--json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert stats["workers"] == 2 and stats["created"] == 45 and stats["unusable"] == 2
    bad = run("--workers", "0")
    assert bad.returncode == 1 and "--workers" in bad.stderr and bad.stderr.count("\n") == 1


def test_reprocess_bench_row_compares_fresh_runs_and_their_stores():
    """The BENCHMARKS.md row's machinery on a small corpus: both sides in fresh processes, stores equal,
    the CPU figures that make the CPU-bound ratio present and sane."""
    from lexwatch.bench.reprocess import bench_reprocess
    m = bench_reprocess(pages=24, workers=2, rounds=1)
    assert m["identical"] and m["analyzed"] == 24 and m["workers"] == 2
    assert m["cpu_1"] > 0 and m["cpu_n"] > 0 and 0 < m["setup_cpu_n"] <= m["parent_cpu_n"]
    assert m["cpu_path_n"] <= m["cpu_n"] and m["cpu_ratio"] > 0
