"""Several processes opening one fresh embedded store at once (crawler workers, a web server) all
get a usable store: the schema is created once, under SQLite's write lock."""
import subprocess
import sys

OPEN_AND_WRITE = """
import sys
from lexwatch.index.sqlite_store import SqliteStore
from tests.corpus import corpus
store = SqliteStore(sys.argv[1])
store.upsert(corpus())
print(store.count())
"""


def test_fresh_store_opened_by_many_processes_at_once(tmp_path):
    url = f"sqlite:///{tmp_path}/shared.db"
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AND_WRITE, url], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(6)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, [err for _, err in results]
    assert {out.strip() for out, _ in results} == {"11"}
