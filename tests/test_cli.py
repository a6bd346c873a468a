"""The `lexwatch` command on a real embedded store, and the same answers from Elasticsearch."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lexwatch.cli import main
from tests.corpus import corpus


@pytest.fixture
def store_url(sqlite_store):
    sqlite_store.upsert(corpus())
    return sqlite_store.url


def run_json(capsys, *argv):
    assert main(list(argv) + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_search_json_lists_articles_with_snippets(capsys, store_url):
    out = run_json(capsys, "search", "дипфейков", "--store", store_url, "--country", "KZ")
    assert out["total"] == 2
    assert {h["outlet"] for h in out["hits"]} == {"kazinform", "kursiv"}
    assert all("<mark>" in h["snippet"] for h in out["hits"])


def test_empty_query_matches_everything(capsys, store_url):
    assert run_json(capsys, "search", "--store", store_url, "--limit", "100")["total"] == len(corpus())


def test_search_text_output_is_readable(capsys, store_url):
    assert main(["search", "cərimə", "--store", store_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 article(s)")
    assert "fine 3,000–7,000 AZN" in out and "*cəriməsi*" in out and "[AZ proposal relevant]" in out


def test_timeline_text_and_json(capsys, store_url):
    assert main(["timeline", "--store", store_url, "--relevant", "--split", "jurisdiction"]) == 0
    chart = capsys.readouterr().out.splitlines()
    assert chart[0].startswith("2025-07") and chart[-1].startswith("2026-08")
    assert any("AZ 2" in line for line in chart if line.startswith("2026-03"))
    data = run_json(capsys, "timeline", "--store", store_url, "--interval", "year")
    assert [(b["start"], b["total"]) for b in data["buckets"]] == [("2025-01-01", 2), ("2026-01-01", 9)]


def test_errors_are_one_line_with_nonzero_exit(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("my notes, not a database")
    for argv, needle in [
        (["search", "x", "--store", f"sqlite:///{junk}"], "is not a lexwatch store"),
        (["search", "x", "--store", "ftp://host"], "is neither"),
        (["search", "x", "--from", "yesterday", "--store", f"sqlite:///{tmp_path}/a.db"], "not YYYY-MM-DD"),
        (["search", "x", "--limit", "100000", "--store", f"sqlite:///{tmp_path}/a.db"], "size"),
    ]:
        proc = subprocess.run([sys.executable, "-m", "lexwatch.cli", *argv], capture_output=True, text=True)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.count("\n") == 1 and needle in proc.stderr and "Traceback" not in proc.stderr
    assert junk.read_text() == "my notes, not a database"   # nothing written over a foreign file


def test_every_subcommand_has_help(capsys):
    from lexwatch.cli import COMMANDS
    for name in COMMANDS:
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0
        assert "usage: lexwatch " + name in capsys.readouterr().out


@pytest.mark.es
def test_both_stores_give_the_same_answers(capsys, store_url, es_store):
    es = es_store()
    es.upsert(corpus())
    for argv in (["search", ""], ["search", "дипфейк OR deepfake", "--relevant"], ["search", "штраф", "--country", "KZ"],
                 ["search", "", "--from", "2026-02-01", "--to", "2026-03-01", "--lang", "ru,az"],
                 ["timeline", "", "--split", "jurisdiction"], ["timeline", "cərimə OR штраф", "--interval", "week",
                                                               "--split", "stage"]):
        embedded = run_json(capsys, *argv, "--store", store_url)
        elastic = run_json(capsys, *argv, "--store", es.url)
        assert embedded == elastic, argv
