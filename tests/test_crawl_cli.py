"""`lexwatch crawl` and `lexwatch reprocess` as a user runs them, against the Kursiv replicas."""
from __future__ import annotations

import json
import subprocess
import sys

from lexwatch.crawler.replicas import start_replicas
from lexwatch.crawler.run import child_env

FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]


def lexwatch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lexwatch.cli", *args], capture_output=True, text=True,
                          env=child_env(), timeout=300)


def test_crawl_then_reprocess_from_the_command_line(tmp_path):
    store, rebuilt, warc = f"sqlite:///{tmp_path}/lexwatch.db", f"sqlite:///{tmp_path}/rebuilt.db", tmp_path / "warc"
    with start_replicas(outlets=["kursiv"]) as replicas:
        bases = [f"--base-url={key}={url}" for key, url in replicas.base_urls.items()]
        done = lexwatch("crawl", "kursiv", "--lang", "en", "--store", store, "--warc-dir", str(warc),
                        "--progress", "1", *bases, *FAST)
        expected = replicas.expected_articles("kursiv", langs=["en"])
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()[1:]}
    assert int(rows["kursiv"][1]) == len(expected) == 13          # stored
    assert "pages/s" in done.stderr and "kursiv:" in done.stderr   # progress on screen
    again = lexwatch("reprocess", "--warc-dir", str(warc), "--store", rebuilt, "--json")
    assert again.returncode == 0, again.stderr
    stats = json.loads(again.stdout)
    assert stats["analyzed"] == stats["created"] == len(expected)


def test_crawl_refuses_bad_arguments_in_one_line():
    done = lexwatch("crawl", "kursiv", "--base-url", "kursiv=ftp://example", "--store", "sqlite:////tmp/never.db")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "--base-url" in done.stderr
    done = lexwatch("crawl", "nosuchoutlet", "--store", "sqlite:////tmp/never.db")
    assert done.returncode == 1 and "unknown outlet" in done.stderr
