"""Every export format written from a real store, read back with its usual reader, compared with the store."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
from datetime import datetime

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lexwatch.index.store import Filters
from lexwatch import SCHEMA_VERSION, __version__
from lexwatch.article import Article, validate
from lexwatch.cli import main
from lexwatch.export import ExportError, export_articles
from lexwatch.export import parquet as parquet_module
from lexwatch.export.columns import ARTICLE_FIELDS, FIELDS, TAG_FIELDS
from tests.corpus import corpus


@pytest.fixture
def filled(sqlite_store):
    sqlite_store.upsert(corpus())
    return sqlite_store


def stored(store, **filters) -> dict[str, Article]:
    return {a.id: a for a in store.iterate("", Filters(**filters))}


def check_manifest(path, count, query="", filters=None):
    manifest = json.loads(path.with_name(path.name + ".manifest.json").read_text(encoding="utf-8"))
    assert manifest["count"] == count
    assert (manifest["query"], manifest["filters"]) == (query, filters or {})
    assert (manifest["schema_version"], manifest["lexwatch_version"]) == (SCHEMA_VERSION, __version__)
    datetime.fromisoformat(manifest["created"])
    [entry] = manifest["files"]
    assert entry["path"] == path.name and entry["bytes"] == path.stat().st_size
    assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    return manifest


def test_fields_cover_the_article_record():
    assert set(ARTICLE_FIELDS) == set(Article.__dataclass_fields__) - {"deepfake"}
    assert set(TAG_FIELDS) == set(Article(url="https://x.example/a").deepfake)
    assert len(FIELDS) == len(set(FIELDS)) == len(ARTICLE_FIELDS) + len(TAG_FIELDS) + 1   # + published_day


def test_jsonl_lines_are_articles_valid_and_load_in_pandas(store, tmp_path):
    """On both stores: the same Articles come back, each line valid against the JSON Schema."""
    store.upsert(corpus())
    out = tmp_path / "corpus.jsonl"
    export_articles(store, "jsonl", out)
    lines = out.read_text(encoding="utf-8").splitlines()
    expected = stored(store)
    assert len(lines) == len(expected) == len(corpus())
    for line in lines:
        record = json.loads(line)
        validate(record)
        assert record == expected[record["id"]].to_dict()
    published = [json.loads(line)["published_at"] for line in lines]
    assert [datetime.fromisoformat(p) for p in published] == sorted(datetime.fromisoformat(p) for p in published)
    check_manifest(out, len(corpus()))

    frame = pd.read_json(out, lines=True, dtype=False)
    assert len(frame) == len(corpus()) and set(frame.columns) == set(Article.__dataclass_fields__)
    assert frame.set_index("id").loc[corpus()[0].id, "title"] == corpus()[0].title
    assert frame.set_index("id").loc[corpus()[0].id, "deepfake"]["penalties"][0]["unit"] == "AZN"


def test_csv_flat_columns_with_short_penalties_json_and_bom(filled, tmp_path):
    out = tmp_path / "az.csv"
    assert main(["export", "--format", "csv", "--out", str(out), "--store", filled.url, "--relevant",
                 "--country", "AZ", "--query", "deepfake OR дипфейк OR cərimə", "--bom"]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    expected = stored(filled, jurisdictions=["AZ"], relevant=True)
    assert {r["id"] for r in rows} == set(expected) and len(rows) == 4
    by_id = {r["id"]: r for r in rows}
    for aid, article in expected.items():
        row = by_id[aid]
        assert (row["title"], row["body"], row["published_at"]) == (article.title, article.body, article.published_at)
        assert row["jurisdictions"] == "; ".join(article.deepfake["jurisdictions"])
        assert json.loads(row["penalties_json"]) == article.deepfake["penalties"]
        assert row["relevant"] == "true"
    az = corpus()[0]
    assert by_id[az.id]["penalties"] == "fine 3,000–7,000 AZN"
    assert by_id[corpus()[5].id]["jurisdictions"] == "KZ; AZ"
    assert by_id[corpus()[1].id]["published_day"] == "2026-03-01"     # 00:30 in Baku: a March story
    manifest = check_manifest(out, 4, "deepfake OR дипфейк OR cərimə", {"jurisdictions": ["AZ"], "relevant": True})
    assert "penalties_json" not in manifest["fields"]

    frame = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert list(frame.columns[:3]) == ["id", "url", "canonical_url"] and len(frame) == 4


def test_parquet_typed_nested_columns_in_row_groups(filled, tmp_path, monkeypatch):
    monkeypatch.setattr(parquet_module, "ROW_GROUP_ROWS", 4)   # 11 articles → groups of 4, 4, 3
    monkeypatch.setattr(parquet_module, "BATCH_ROWS", 2)
    out = tmp_path / "corpus.parquet"
    export_articles(filled, "parquet", out)
    check_manifest(out, len(corpus()))
    meta = pq.ParquetFile(out).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [4, 4, 3]
    table = pq.read_table(out)
    schema = table.schema
    assert schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("published_day").type == pa.date32()
    assert schema.field("relevant").type == pa.bool_() and schema.field("reading").type == pa.int8()
    assert pa.types.is_struct(schema.field("penalties").type.value_type)
    assert pa.types.is_struct(schema.field("instruments").type.value_type)
    assert schema.metadata[b"lexwatch.schema_version"] == str(SCHEMA_VERSION).encode()

    expected = stored(filled)
    for row in table.to_pylist():
        article = expected[row["id"]]
        assert row["published_at"] == datetime.fromisoformat(article.published_at)
        assert row["published_day"].isoformat() == article.published_at[:10]
        assert row["title"] == article.title and row["jurisdictions"] == article.deepfake["jurisdictions"]
        assert row["relevant"] is article.deepfake["relevant"] and row["stage"] == article.deepfake["stage"]
        assert [(p["kind"], p["min"], p["max"], p["unit"]) for p in row["penalties"]] == \
            [(p["kind"], p["min"], p["max"], p["unit"]) for p in article.deepfake["penalties"]]
    frame = pd.read_parquet(out)
    assert frame["published_at"].dt.tz is not None and len(frame) == len(corpus())


def test_parquet_keeps_instruments_translations_and_equivalents(sqlite_store, tmp_path):
    article = Article(url="https://www.inform.kz/ru/shtraf-za-dipfeyk-9f", outlet="kazinform", language="ru",
                      title="Штраф за дипфейк", body="Штраф до 100 МРП по статье 147 УК.",
                      published_at="2026-02-01T10:00:00+05:00", translations={"en": "https://www.inform.kz/en/x"},
                      deepfake={"relevant": True, "reading": 2, "penalties": [
                          {"kind": "fine", "min": None, "max": 100, "unit": "MRP",
                           "equivalent": {"min": None, "max": 393200, "unit": "KZT"}, "text": "до 100 МРП"}],
                          "instruments": [{"name": "Уголовный кодекс", "article": "147", "part": "2"}]})
    sqlite_store.upsert([article])
    out = tmp_path / "one.parquet"
    export_articles(sqlite_store, "parquet", out)
    [row] = pq.read_table(out).to_pylist()
    assert row["penalties"][0]["equivalent"] == {"min": None, "max": 393200.0, "unit": "KZT"}
    assert row["penalties"][0]["text"] == "до 100 МРП" and row["reading"] == 2
    assert row["instruments"] == [{"name": "Уголовный кодекс", "article": "147", "part": "2", "text": None}]
    assert row["translations"] == [{"language": "en", "url": "https://www.inform.kz/en/x"}]
    csv_out = tmp_path / "one.csv"
    export_articles(sqlite_store, "csv", csv_out)
    [csv_row] = csv.DictReader(csv_out.read_text(encoding="utf-8").splitlines(keepends=True))
    assert csv_row["instruments"] == "Уголовный кодекс art. 147 part 2"
    assert csv_row["penalties"] == "fine up to 100 MRP (≈ up to 393,200 KZT)"
    assert json.loads(csv_row["translations"]) == {"en": "https://www.inform.kz/en/x"}


def test_fields_pick_columns_in_every_tabular_format(filled, tmp_path):
    fields = ["id", "title", "stage", "penalties", "published_day"]
    export_articles(filled, "csv", tmp_path / "f.csv", fields=fields)
    header = (tmp_path / "f.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,title,stage,penalties,penalties_json,published_day"
    export_articles(filled, "jsonl", tmp_path / "f.jsonl", fields=fields)
    first = json.loads((tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert set(first) == {"id", "title", "published_day", "deepfake"} and set(first["deepfake"]) == {"stage", "penalties"}
    export_articles(filled, "parquet", tmp_path / "f.parquet", fields=fields)
    assert pq.read_schema(tmp_path / "f.parquet").names == fields
    with pytest.raises(ExportError, match="unknown field"):
        export_articles(filled, "csv", tmp_path / "g.csv", fields=["title", "author"])


def test_existing_file_needs_force_and_a_failed_export_leaves_the_old_one(filled, tmp_path, capsys):
    out = tmp_path / "corpus.jsonl"
    out.write_text("an earlier export\n", encoding="utf-8")
    assert main(["export", "--format", "jsonl", "--out", str(out), "--store", filled.url]) == 1
    assert "exists; add --force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "an earlier export\n"

    class StoreFailingMidway:
        """The real store, whose stream breaks after five articles (a server gone, a disk error)."""
        url = filled.url

        def count(self, query="", filters=None):
            return filled.count(query, filters)

        def iterate(self, query="", filters=None, batch_size=1000):
            for n, article in enumerate(filled.iterate(query, filters, batch_size)):
                if n == 5:
                    raise ConnectionError("store went away")
                yield article

    for fmt in ("jsonl", "csv", "parquet"):
        with pytest.raises(ConnectionError):
            export_articles(StoreFailingMidway(), fmt, out, force=True)
    assert out.read_text(encoding="utf-8") == "an earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "lexwatch.db", "lexwatch.db-shm",
                                                          "lexwatch.db-wal"]
    assert main(["export", "--format", "jsonl", "--out", str(out), "--store", filled.url, "--force"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(corpus())


def test_paths_stay_in_the_directory_asked_for(filled, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    link = tmp_path / "out" / "corpus.jsonl"
    link.symlink_to(elsewhere / "target.jsonl")
    with pytest.raises(ExportError, match="symbolic link"):
        export_articles(filled, "jsonl", link, force=True)
    with pytest.raises(ExportError, match="must name a file"):
        export_articles(filled, "jsonl", str(tmp_path / "out") + "/")
    with pytest.raises(ExportError, match="does not exist"):
        export_articles(filled, "jsonl", tmp_path / "missing" / "x.jsonl")
    assert list(elsewhere.iterdir()) == []


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        message = f"cannot mount a small tmpfs here (needs root): {done.stderr.decode().strip()}"
        if os.environ.get("CI", "").lower() == "true" or os.environ.get("LEXWATCH_REQUIRE_ES") == "1":
            pytest.fail(message)   # `make test` runs as root: the disk-full test must not vanish there
        pytest.skip(message)
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_full_disk_is_one_clear_error_and_no_file(filled, tiny_disk, capsys):
    big = [Article(url=f"https://report.az/en/news/long-{i}", outlet="report", language="en", title=f"Long {i}",
                   body="deepfake regulation " * 2000, published_at="2026-01-01T10:00:00+04:00") for i in range(20)]
    filled.upsert(big)
    out = tiny_disk / "corpus.jsonl"
    assert main(["export", "--format", "jsonl", "--out", str(out), "--store", filled.url]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"lexwatch export: error: no space left on the device of {tiny_disk}; "
                   f"nothing was written as corpus.jsonl"]
    assert list(tiny_disk.iterdir()) == []


def test_jsonl_loads_in_hugging_face_datasets(sqlite_store, tmp_path, monkeypatch):
    """Small exports load as-is; a large one whose later articles carry types the first 10 MB lack
    (an instrument, a 1.5-year term, a translation) loads with lexwatch's features."""
    import datasets
    from lexwatch.export.hf import article_features
    from lexwatch.export.memory import synthetic_articles
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    sqlite_store.upsert(corpus())
    export_articles(sqlite_store, "jsonl", tmp_path / "small.jsonl")
    small = datasets.load_dataset("json", data_files=str(tmp_path / "small.jsonl"), split="train",
                                  cache_dir=str(tmp_path / "hf"))
    assert small.num_rows == len(corpus()) and corpus()[0].title in small["title"]

    many = list(synthetic_articles(4000))
    for a in many:
        a.deepfake["instruments"] = []
    late = many[-1]
    late.deepfake.update(reading=2, persons=["Ali Hüseynli"],
                         penalties=[{"kind": "imprisonment", "min": None, "max": 1.5, "unit": "years"}],
                         instruments=[{"name": "Cinayət Məcəlləsi", "article": "168-1", "part": None}])
    late.translations = {"ru": "https://report.az/ru/news/x"}
    sqlite_store.upsert(many)
    out = tmp_path / "large.jsonl"
    export_articles(sqlite_store, "jsonl", out)
    assert out.stat().st_size > 12 * 1024 * 1024        # more than the loader's first block
    large = datasets.load_dataset("json", data_files=str(out), split="train", features=article_features(),
                                  cache_dir=str(tmp_path / "hf"))
    assert large.num_rows == len(corpus()) + 4000
    [row] = large.filter(lambda r: r["id"] == late.id)
    assert row["deepfake"]["penalties"][0]["max"] == 1.5 and row["deepfake"]["reading"] == 2
    assert row["deepfake"]["instruments"][0]["name"] == "Cinayət Məcəlləsi"
    assert json.loads(row["translations"]) == late.translations


def test_parquet_loads_in_hugging_face_datasets(filled, tmp_path, monkeypatch):
    import datasets
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    out = tmp_path / "corpus.parquet"
    export_articles(filled, "parquet", out)
    loaded = datasets.load_dataset("parquet", data_files=str(out), split="train", cache_dir=str(tmp_path / "hf"))
    assert loaded.num_rows == len(corpus())
    assert loaded.features["penalties"].feature["max"].dtype == "float64"
    assert loaded.features["published_at"].dtype.startswith("timestamp")


def test_progress_shows_only_on_a_terminal(filled, tmp_path):
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal, pipe = Terminal(), io.StringIO()
    export_articles(filled, "jsonl", tmp_path / "a.jsonl", progress=terminal)
    export_articles(filled, "jsonl", tmp_path / "b.jsonl", progress=pipe)
    assert terminal.getvalue().endswith(f"\rexport jsonl {len(corpus())}/{len(corpus())} done\n")
    assert pipe.getvalue() == ""
