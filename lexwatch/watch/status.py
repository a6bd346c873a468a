"""What `lexwatch watch --status` shows: per outlet and edition the last poll, its result, the new
articles, errors and the next poll; also when a failing site was reported to the operator.

An SQLite file beside the crawl state (`<crawl state>.watch.db`), written by the watch process after
every poll and read by `--status` from anywhere (WAL: readers never wait for the writer).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from lexwatch.crawler.state import open_crawl_db
from lexwatch.watch.sources import editions

SCHEMA = """
CREATE TABLE IF NOT EXISTS outlets (outlet TEXT PRIMARY KEY, last_poll TEXT, result TEXT, new_articles INTEGER,
    errors INTEGER, next_poll REAL, failures_in_row INTEGER NOT NULL DEFAULT 0, reported INTEGER NOT NULL DEFAULT 0,
    hold_until REAL, detail TEXT, polls INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS editions (outlet TEXT NOT NULL, edition TEXT NOT NULL, last_poll TEXT,
    new_articles INTEGER, PRIMARY KEY (outlet, edition));
"""


def status_path_for(state_path: str | Path) -> Path:
    path = Path(state_path)
    return path.with_name(path.stem + ".watch.db")


def iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds") if epoch else None


@dataclass
class OutletStatus:
    outlet: str
    last_poll: str | None = None
    result: str | None = None          # ok | errors | failed | held (Retry-After) | stopped
    new_articles: int = 0
    errors: int = 0
    next_poll: float | None = None     # epoch seconds
    failures_in_row: int = 0
    reported: bool = False             # the operator was told about the current run of failures
    hold_until: float | None = None    # the site asked us (Retry-After) to stay away until then
    detail: str = ""
    polls: int = 0


class WatchStatus:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db = open_crawl_db(self.path, SCHEMA)

    def close(self) -> None:
        self.db.close()

    def get(self, outlet: str) -> OutletStatus:
        row = self.db.execute("SELECT * FROM outlets WHERE outlet=?", (outlet,)).fetchone()
        if row is None:
            return OutletStatus(outlet)
        return OutletStatus(row[0], row[1], row[2], row[3] or 0, row[4] or 0, row[5], row[6], bool(row[7]),
                            row[8], row[9] or "", row[10])

    def put(self, s: OutletStatus, by_edition: dict[str, int] | None = None) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("INSERT OR REPLACE INTO outlets VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (s.outlet, s.last_poll, s.result, s.new_articles, s.errors, s.next_poll, s.failures_in_row,
                         int(s.reported), s.hold_until, s.detail, s.polls))
        if by_edition is not None:
            for edition in dict.fromkeys([*editions(s.outlet), *by_edition]):
                self.db.execute("INSERT OR REPLACE INTO editions VALUES (?,?,?,?)",
                                (s.outlet, edition, s.last_poll, int(by_edition.get(edition, 0))))
        self.db.execute("COMMIT")

    def rows(self, outlets: list[str]) -> list[dict]:
        """One row per outlet and edition, for --status (outlets never polled included)."""
        out = []
        for outlet in outlets:
            s = self.get(outlet)
            polled = {r[0]: r[1] for r in self.db.execute(
                "SELECT edition, new_articles FROM editions WHERE outlet=?", (outlet,))}
            for edition in dict.fromkeys([*editions(outlet), *polled]):
                out.append({"outlet": outlet, "edition": edition, "last_poll": s.last_poll, "result": s.result,
                            "new_articles": polled.get(edition, 0), "outlet_new_articles": s.new_articles,
                            "errors": s.errors, "failures_in_row": s.failures_in_row,
                            "next_poll": iso(s.next_poll), "held_until": iso(s.hold_until), "detail": s.detail})
        return out


def read_rows(path: str | Path, outlets: list[str]) -> list[dict]:
    """--status without taking any lock (a read-only look while the watch process writes)."""
    path = Path(path)
    if not path.exists():
        return [{"outlet": o, "edition": e, "last_poll": None, "result": "never polled", "new_articles": 0,
                 "outlet_new_articles": 0, "errors": 0, "failures_in_row": 0, "next_poll": None,
                 "held_until": None, "detail": ""} for o in outlets for e in editions(o)]
    try:
        status = WatchStatus(path)
    except sqlite3.DatabaseError as exc:
        raise RuntimeError(f"{path} is not a lexwatch watch status file: {exc}") from None
    try:
        return status.rows(outlets)
    finally:
        status.close()
