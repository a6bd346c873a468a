"""A full disk while the crawler captures WARC and while `lexwatch export --format warc` writes:
one clear error, files that hold only whole records (or no file at all), and nothing lost: the
next crawl, with room again, fetches what was not captured. Disks are small tmpfs mounts (root)."""
from __future__ import annotations

import os
import subprocess
from collections import Counter

import pytest

from lexwatch.crawler.replicas import start_replicas
from lexwatch.crawler.run import REPLICA_SETTINGS, crawl
from lexwatch.crawler.warc import RotatingWarcWriter, WarcWriteError, read_responses, warc_files
from lexwatch.index.factory import open_store
from lexwatch.cli import main
from lexwatch.urls import canonical_url

FAST = {**REPLICA_SETTINGS, "LEXWATCH_RETRY_AFTER_MAX": 10}


def mount_tmpfs(path, size: str):
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        message = f"cannot mount a small tmpfs here (needs root): {done.stderr.decode().strip()}"
        if os.environ.get("CI", "").lower() == "true" or os.environ.get("LEXWATCH_REQUIRE_ES") == "1":
            pytest.fail(message)   # `make test` runs as root: a disk-full test must not vanish there
        pytest.skip(message)


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "tiny"
    mount_tmpfs(mount, "60k")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_writer_undoes_a_record_that_does_not_fit(tiny_disk):
    writer = RotatingWarcWriter(tiny_disk, "lexwatch-test")
    body = os.urandom(12_000)           # incompressible: every record takes its full size
    written = 0
    with pytest.raises(WarcWriteError, match="No space left on device"):
        for i in range(100):
            writer.write(f"https://report.az/en/x/story-{i}", 200, [("Content-Type", "text/html")], body,
                         [("User-Agent", "lexwatch")], "2026-03-12T10:00:00+00:00", {"outlet": "report"})
            written += 1
    writer.close()
    problems: list[str] = []
    captured = list(read_responses(tiny_disk, problems))
    assert problems == [] and 0 < len(captured) == written      # whole records only, none lost
    assert all(c.body == body for c in captured)


def test_disk_full_during_capture_stops_the_crawl_cleanly_and_loses_nothing(tiny_disk, tmp_path):
    store_url = f"sqlite:///{tmp_path}/lexwatch.db"
    log = tmp_path / "crawl.log"
    with start_replicas(outlets=["kazinform"]) as replicas:
        expected = {canonical_url(e["url"]) for e in replicas.expected_articles("kazinform")}
        first = crawl(["kazinform"], store_url=store_url, base_urls=replicas.base_urls, warc_dir=str(tiny_disk),
                      settings={**FAST, "LEXWATCH_STORE_BATCH": 3}, log_file=str(log))["outlets"]["kazinform"]
        with open_store(store_url) as store:
            stored_first = {a.canonical_url for a in store.iterate()}
        problems: list[str] = []
        captured = [canonical_url(r.url) for r in read_responses(tiny_disk, problems)]
        assert problems == []                                   # every file under its name is whole
        assert first["finish_reason"] == "warc_failed"
        assert 0 < len(stored_first) < len(expected)
        assert stored_first <= set(captured)                    # nothing stored without its raw page
        errors = [line for line in log.read_text().splitlines() if " ERROR: " in line]
        assert any("cannot write WARC file" in line and "No space left on device" in line
                   and "stopping the crawl" in line for line in errors)
        assert not [line for line in log.read_text().splitlines() if "Traceback" in line]

        roomy = tmp_path / "warc"
        second = crawl(["kazinform"], store_url=store_url, base_urls=replicas.base_urls, warc_dir=str(roomy),
                       settings=FAST)["outlets"]["kazinform"]
    with open_store(store_url) as store:
        stored = Counter(a.canonical_url for a in store.iterate())
    assert set(stored) == expected and set(stored.values()) == {1}     # nothing lost, nothing twice
    assert second["finish_reason"] == "finished"
    recaptured = {canonical_url(r.url) for r in read_responses(roomy)}
    assert expected <= set(captured) | recaptured


def test_disk_full_during_warc_export_is_one_line_and_no_file(tmp_path, capsys):
    """The export's staging file fills the disk: one line, nothing under the final name or beside it."""
    from lexwatch.crawler.warc import RotatingWarcWriter
    from lexwatch.article import Article
    from lexwatch.index.sqlite_store import SqliteStore

    store = SqliteStore(f"sqlite:///{tmp_path}/lexwatch.db")
    capture = tmp_path / "capture"
    writer = RotatingWarcWriter(capture, "lexwatch-test")
    articles = []
    for i in range(12):
        url = f"https://report.az/en/x/story-{i}"
        writer.write(url, 200, [("Content-Type", "text/html")], os.urandom(20_000), [],
                     "2026-03-12T10:00:00+00:00", {"outlet": "report"})
        articles.append(Article(url=url, title=f"Story {i}", body="Deepfake law.", language="en"))
    writer.close()
    store.upsert(articles)
    disk = tmp_path / "out"
    mount_tmpfs(disk, "100k")
    try:
        out = disk / "corpus.warc.gz"
        assert main(["export", "--format", "warc", "--out", str(out), "--store", store.url,
                     "--warc-dir", str(capture)]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"lexwatch export: error: no space left on the device of {disk}; "
                       f"nothing was written as corpus.warc.gz"]
        assert list(disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)
        store.close()
    assert [p.name for p in warc_files(capture)] == [p.name for p in writer.files]
