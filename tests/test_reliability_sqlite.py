"""The embedded store under a SIGKILL mid-write, and given a file that is not (or no longer) a
lexwatch store: whole batches or nothing, an intact file, and one clear line instead of a traceback
or a new empty store written over the user's file."""
from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lexwatch.crawler.run import child_env
from lexwatch.index.sqlite_store import SqliteStore
from lexwatch.index.store import StoreError
from lexwatch.index.factory import open_store
from lexwatch.article import Article
from tests.corpus import corpus

BATCH = 400   # articles per upsert: a few MB of pages, more than SQLite's page cache, so it spills to the WAL

# A child that writes numbered batches into the store for ever. With PAUSE_IN=k it stops inside the
# k-th batch's transaction, after the article rows and while the full-text rows are being written,
# and says so: the parent kills it exactly there.
WRITER = r"""
import json, sys, time
from lexwatch.index.sqlite_store import SqliteStore
from lexwatch.article import Article

path, start, pause_in = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = SqliteStore(f"sqlite:///{path}")
state = {"batch": start, "paused": False}

def trace(statement):
    if state["batch"] == pause_in and not state["paused"] and statement.startswith("INSERT INTO articles_fts"):
        state["paused"] = True
        print(json.dumps({"inside": state["batch"]}), flush=True)
        time.sleep(3600)

store.db.set_trace_callback(trace)
body = " ".join(["Milli Məclis deepfake qanunu cərimə manat"] * 60)
while True:
    b = state["batch"]
    print(json.dumps({"begin": b}), flush=True)
    store.upsert(Article(url=f"https://report.az/en/batch-{b}/story-{i}", outlet="report", language="en",
                         title=f"Batch {b} story {i}", body=f"{body} {b} {i}",
                         published_at="2026-01-01T10:00:00+04:00",
                         deepfake={"jurisdictions": ["AZ"], "relevant": True}) for i in range(%d))
    print(json.dumps({"committed": b}), flush=True)
    state["batch"] += 1
""" % BATCH


def run_writer(db: Path, start: int, pause_in: int, kill_after_begin: int | None = None) -> list[int]:
    """Start the writer, SIGKILL it inside batch `pause_in` (or at a random moment once it began
    batch `kill_after_begin`); returns the batches it reported committed."""
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(start), str(pause_in)],
                             stdout=subprocess.PIPE, text=True, env=child_env())
    committed = []
    try:
        for line in child.stdout:
            event = json.loads(line)
            if "committed" in event:
                committed.append(event["committed"])
            if "inside" in event:
                break
            if kill_after_begin is not None and event.get("begin") == kill_after_begin:
                import time
                time.sleep(random.uniform(0.0, 0.5))
                break
    finally:
        child.kill()   # SIGKILL: no rollback, no close, no checkpoint
        child.wait()
    assert child.returncode == -9
    return committed


def check_store(db: Path, committed: list[int]) -> dict[int, int]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")   # raises if not
        per_batch = {}
        for (doc,) in conn.execute("SELECT doc FROM articles"):
            batch = int(json.loads(doc)["url"].split("/batch-")[1].split("/")[0])
            per_batch[batch] = per_batch.get(batch, 0) + 1
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == articles
        assert conn.execute("SELECT count(*) FROM article_jurisdictions").fetchone()[0] == articles
        assert conn.execute("SELECT count(*) FROM article_jurisdictions WHERE article_rowid NOT IN "
                            "(SELECT rowid FROM articles)").fetchone()[0] == 0
    assert set(per_batch.values()) <= {BATCH}                 # only whole batches
    assert sorted(per_batch) == list(range(len(per_batch)))   # no gap: a batch is there or it is not
    assert set(committed) <= set(per_batch)                   # every acknowledged batch survived
    return per_batch


def test_sigkill_during_batch_writes_leaves_whole_batches_and_an_intact_file(tmp_path):
    db = tmp_path / "lexwatch.db"
    committed: list[int] = []
    # twice killed exactly inside a transaction, twice at a random moment of a batch
    committed += run_writer(db, start=0, pause_in=2)
    per_batch = check_store(db, committed)
    assert sorted(per_batch) == [0, 1]                        # the batch killed inside left nothing
    committed += run_writer(db, start=2, pause_in=3)
    per_batch = check_store(db, committed)
    assert sorted(per_batch) == [0, 1, 2]
    for _ in range(2):
        start = max(check_store(db, committed)) + 1
        committed += run_writer(db, start=start, pause_in=-1, kill_after_begin=start + 1)
        check_store(db, committed)
    with open_store(f"sqlite:///{db}") as store:              # usable as before
        last = max(committed)
        assert store.search(f'"Batch {last} story 7"').total == 1
        assert store.count("deepfake") == store.count() == len(check_store(db, committed)) * BATCH
        assert store.upsert(corpus()).created == len(corpus())


# -- files that are not lexwatch stores ---------------------------------------------------------
def _filled_store(path: Path) -> None:
    many = [Article(url=f"https://report.az/en/x/story-{i}", title=f"Story {i}", language="en",
                    body="deepfake law fine " * 150, published_at="2026-01-01T10:00:00+04:00") for i in range(300)]
    with SqliteStore(f"sqlite:///{path}") as store:
        store.upsert(corpus() + many)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _foreign_sqlite(path: Path, app_id: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA application_id={app_id}")
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('my notes')")


def _damage(path: Path, where: str) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        if where == "truncated":
            fh.truncate(size // 3)
        elif where == "header":
            fh.seek(100)
            fh.write(os.urandom(3000))
        else:   # the middle: the schema reads fine, the data pages do not
            fh.seek(size // 4)
            fh.write(b"\xa5" * (size // 2))


def make_bad(kind: str, path: Path) -> None:
    if kind == "text":
        path.write_text("my notes, not a database\n")
    elif kind == "png":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(4000))
    elif kind == "zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("a.txt", "hello")
    elif kind == "other-app":
        _foreign_sqlite(path, 0x12345678)
    elif kind == "other-sqlite":
        _foreign_sqlite(path, 0)
    else:
        _filled_store(path)
        _damage(path, kind)


@pytest.mark.parametrize("kind,needle", [
    ("text", "not a lexwatch store"), ("png", "not a lexwatch store"), ("zip", "not a lexwatch store"),
    ("other-app", "another application"), ("other-sqlite", "not a lexwatch store"),
    ("truncated", "not a usable lexwatch store"), ("header", "not a usable lexwatch store"),
    ("middle", "is damaged"),
])
def test_a_foreign_or_damaged_file_is_one_clear_error_and_left_as_it_was(tmp_path, kind, needle):
    path = tmp_path / "lexwatch.db"
    make_bad(kind, path)
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    before = path.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "lexwatch.cli", "search", "deepfake", "--store", f"sqlite:///{path}"],
                          capture_output=True, text=True, env=child_env(), timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert needle in proc.stderr and str(path) in proc.stderr
    assert path.read_bytes() == before                      # nothing written over it, no new store
    with pytest.raises(StoreError, match=needle):
        with open_store(f"sqlite:///{path}") as store:
            store.search("deepfake")
            list(store.iterate())
            store.upsert(corpus()[:1])
    assert path.read_bytes() == before


def test_a_crawl_into_a_foreign_file_refuses_in_one_line(tmp_path):
    path = tmp_path / "notes.db"
    make_bad("text", path)
    proc = subprocess.run([sys.executable, "-m", "lexwatch.cli", "crawl", "kursiv", "--lang", "en", "--no-warc",
                           "--progress", "0", "--store", f"sqlite:///{path}",
                           "--base-url", "kursiv=http://127.0.0.1:9", "--base-url", "kursiv-uz=http://127.0.0.1:9"],
                          capture_output=True, text=True, env=child_env(), timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [f"lexwatch crawl: error: {path} is not a lexwatch store "
                                                "(not an SQLite database)"]
    assert path.read_text() == "my notes, not a database\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]   # no crawl state, no WARC beside it


def test_a_directory_given_as_store_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        open_store(f"sqlite:///{tmp_path}")
    assert list(tmp_path.iterdir()) == []
