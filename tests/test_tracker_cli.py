"""`lexwatch tracker`, `lexwatch developments rebuild` and the tracker exports, through the CLI."""
from __future__ import annotations

import csv
import json

import pytest

from lexwatch.cli import main
from lexwatch.developments.step import attach
from lexwatch.index import open_store
from tests.developments_data import replica_articles


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('tracker')}/lexwatch.db"
    with open_store(url) as store:
        articles = list(replica_articles())
        store.upsert(articles)
        attach(store, articles)
    return url


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tracker_json_has_one_row_per_track_with_history(store_url, capsys):
    code, out, _ = run(capsys, "tracker", "--store", store_url, "--country", "AZ", "--json")
    assert code == 0
    rows = json.loads(out)
    cc = next(r for r in rows if r["instrument_key"] == "criminal-code")
    stages = [h["stage"] for h in cc["history"]]
    assert stages[:4] == ["committee", "reading 1", "adopted", "signed"]
    assert cc["languages"] == {"az": cc["languages"]["az"], "en": cc["languages"]["en"], "ru": cc["languages"]["ru"]}
    assert "prison" in cc["penalties"] and cc["sources"] == sum(cc["languages"].values())
    assert {r["jurisdiction"] for r in rows} == {"AZ"}


def test_tracker_text_and_csv(store_url, capsys):
    code, out, _ = run(capsys, "tracker", "--store", store_url, "--instrument", "закон об искусственном интеллекте")
    assert code == 0 and out.startswith("KZ  Law on Artificial Intelligence:") and " → signed 2025-11-17" in out
    stage = json.loads(run(capsys, "tracker", "--store", store_url, "--json")[1])[0]["current_stage"].split()[0]
    code, out, _ = run(capsys, "tracker", "--store", store_url, "--csv", "--stage", stage)
    rows = list(csv.DictReader(out.splitlines()))
    assert rows and all(r["current_stage"].split()[0] == stage for r in rows)


def test_tracker_bad_input_is_one_line(store_url, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["tracker", "--store", store_url, "--since", "2026-02-30"])
    assert exit_.value.code == 2 and "is not a day" in capsys.readouterr().err
    for argv, message in ((["--instrument", "Law on Fishing"], "not in the vocabulary"),
                          (["--stage", "passed"], "stage must be one of")):
        code, out, err = run(capsys, "tracker", "--store", store_url, *argv)
        assert code == 1 and out == "" and message in err and len(err.strip().splitlines()) == 1


def test_rebuild_gives_the_tracker_the_same_answer(store_url, capsys):
    _, before, _ = run(capsys, "tracker", "--store", store_url, "--json")
    code, out, _ = run(capsys, "developments", "rebuild", "--store", store_url, "--json")
    assert code == 0 and json.loads(out)["developments"] > 0
    _, after, _ = run(capsys, "tracker", "--store", store_url, "--json")
    assert json.loads(after) == json.loads(before)


def test_tracker_exports(store_url, tmp_path, capsys):
    out = tmp_path / "tracks.jsonl"
    assert run(capsys, "export", "--store", store_url, "--format", "tracker-jsonl", "--out", str(out))[0] == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    manifest = json.loads((tmp_path / "tracks.jsonl.manifest.json").read_text())
    assert manifest["count"] == len(rows) > 0 and all(r["history"] for r in rows)
    out = tmp_path / "tracks.csv"
    assert run(capsys, "export", "--store", store_url, "--format", "tracker-csv", "--out", str(out), "--country", "KZ")[0] == 0
    table = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert table and {r["jurisdiction"] for r in table} == {"KZ"} and "→" in table[0]["history"]
    code, _, err = run(capsys, "export", "--store", store_url, "--format", "tracker-csv", "--out", str(out))
    assert code == 1 and "exists" in err
