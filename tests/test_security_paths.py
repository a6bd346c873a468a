"""Files lexwatch writes stay in the directory asked for: WARC capture names never come from URLs or
page content, and an export (data and manifest) never writes through a link to elsewhere. (The
export's own checks: tests/test_export.py::test_paths_stay_in_the_directory_asked_for.)"""
from __future__ import annotations

import re

import pytest

from lexwatch.crawler.pipelines.warc import WarcCapturePipeline
from lexwatch.crawler.publishers import PUBLISHERS
from lexwatch.crawler.warc import RotatingWarcWriter, read_responses
from lexwatch.cli import main
from lexwatch.export.exporter import export_articles
from lexwatch.export.files import ExportError
from tests.corpus import corpus

HOSTILE_URLS = ["http://127.0.0.1:1/../../../../tmp/pwned.warc.gz", "http://127.0.0.1:1/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                "http://127.0.0.1:1/a/..\\..\\windows\\x", "http://127.0.0.1:1/\x00/../x", "http://127.0.0.1:1/" + "a" * 5000]
NAME = re.compile(r"^lexwatch-[a-z]+-\d{14}-\d+-\d{5}\.warc\.gz$")


def test_warc_capture_files_are_named_by_spider_time_and_sequence_only(tmp_path):
    capture = tmp_path / "warc"
    writer = RotatingWarcWriter(capture, "lexwatch-report", max_bytes=1)   # a new file per record
    for url in HOSTILE_URLS:
        writer.write(url, 200, [("Content-Type", "text/html"), ("Content-Disposition", "attachment; filename=../../x")],
                     b"<html></html>", [], "2026-03-12T10:00:00+00:00",
                     {"outlet": "../../report", "site": "/etc", "edition": "..\\en"})
    writer.close()
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(["warc", *[p.name for p in writer.files]])
    assert len(writer.files) == len(HOSTILE_URLS)
    assert all(NAME.match(p.name) and p.parent == capture for p in writer.files)
    assert [r.url for r in read_responses(capture)] == HOSTILE_URLS    # kept as data, inside the records


def test_capture_prefixes_come_from_the_spider_names_alone(tmp_path):
    from scrapy.utils.test import get_crawler
    from scrapy.utils.spider import iter_spider_classes
    from lexwatch.crawler.spiders import outlets
    for spider_cls in iter_spider_classes(outlets):   # one per registry outlet
        crawler = get_crawler(spider_cls, {"LEXWATCH_WARC_DIR": str(tmp_path / "warc")})
        crawler.spider = crawler._create_spider()
        pipeline = WarcCapturePipeline.from_crawler(crawler)
        pipeline.open_spider()
        assert re.fullmatch(r"lexwatch-[a-z]+", pipeline.writer.prefix) and pipeline.writer.directory == tmp_path / "warc"
        pipeline.close_spider()
    assert all(re.fullmatch(r"[a-z]+", name) for name in PUBLISHERS)


@pytest.fixture
def filled(sqlite_store):
    sqlite_store.upsert(corpus())
    return sqlite_store


def test_a_manifest_name_that_links_elsewhere_is_refused_even_with_force(filled, tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "corpus.jsonl.manifest.json").symlink_to(elsewhere / "stolen.json")   # dangling, pointing out
    with pytest.raises(ExportError, match="symbolic link"):
        export_articles(filled, "jsonl", out / "corpus.jsonl", force=True)
    assert list(elsewhere.iterdir()) == [] and sorted(p.name for p in out.iterdir()) == ["corpus.jsonl.manifest.json"]


def test_dot_dot_in_the_output_path_writes_where_it_points_and_nowhere_else(filled, tmp_path, capsys):
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert main(["export", "--format", "jsonl", "--out", str(tmp_path / "a" / "b" / ".." / "corpus.jsonl"),
                 "--store", filled.url]) == 0
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file() and "lexwatch.db" not in p.name)
    assert written == ["a/corpus.jsonl", "a/corpus.jsonl.manifest.json"]      # no staging file left behind


def test_an_output_path_naming_a_directory_or_a_missing_one_is_one_line(filled, tmp_path, capsys):
    for out in (str(tmp_path), str(tmp_path / "missing" / "x.jsonl"), str(tmp_path / ".."), "."):
        assert main(["export", "--format", "jsonl", "--out", out, "--store", filled.url]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(line.startswith("lexwatch export: error: ") for line in err)
