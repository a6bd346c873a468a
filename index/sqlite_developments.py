"""Developments in the SQLite store: two tables of their own beside the articles.

`developments` holds one row per development (the record as JSON, its members apart so the
tracker reads no member lists); `development_keys` maps member and linked article ids to the
development, so the GROUP step finds what a new article touches by index. The tables are created
on first use (IF NOT EXISTS): they need no migration of the article schema, and
`lexwatch developments rebuild` refills them from the articles at any time.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from lexwatch.developments.model import Development, DevelopmentQuery

SCHEMA = """
CREATE TABLE IF NOT EXISTS developments (
  id TEXT PRIMARY KEY, block TEXT NOT NULL, track_id TEXT NOT NULL, jurisdiction TEXT, instrument TEXT,
  first_day TEXT NOT NULL, last_day TEXT NOT NULL, record TEXT NOT NULL, members TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS developments_block ON developments(block);
CREATE INDEX IF NOT EXISTS developments_order ON developments(first_day, id);
CREATE TABLE IF NOT EXISTS development_keys (
  article_id TEXT NOT NULL, development_id TEXT NOT NULL REFERENCES developments(id) ON DELETE CASCADE,
  PRIMARY KEY (article_id, development_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS development_keys_dev ON development_keys(development_id);
"""
_CHUNK = 500   # ids per IN (...) list, well under SQLite's variable limit


class SqliteDevelopments:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._ready = False

    def _ensure(self) -> None:
        if not self._ready:
            self.db.executescript(SCHEMA)
            self._ready = True

    def touching(self, article_ids: list[str], blocks: list[str]) -> list[Development]:
        self._ensure()
        dev_ids: set[str] = set()
        for i in range(0, len(article_ids), _CHUNK):
            chunk = article_ids[i:i + _CHUNK]
            dev_ids.update(r[0] for r in self.db.execute(
                f"SELECT development_id FROM development_keys WHERE article_id IN ({','.join('?' * len(chunk))})", chunk))
        for i in range(0, len(blocks), _CHUNK):
            chunk = blocks[i:i + _CHUNK]
            dev_ids.update(r[0] for r in self.db.execute(
                f"SELECT id FROM developments WHERE block IN ({','.join('?' * len(chunk))})", chunk))
        return self._load(sorted(dev_ids), members=True)

    def _load(self, ids: list[str], members: bool) -> list[Development]:
        out = []
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            column = "members" if members else "NULL"
            out += [_record(r[0], r[1]) for r in self.db.execute(
                f"SELECT record, {column} FROM developments WHERE id IN ({','.join('?' * len(chunk))})", chunk)]
        return sorted(out, key=lambda d: (d.first_day, d.id))

    def replace(self, remove_ids: list[str], developments: list[Development]) -> None:
        self._ensure()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for i in range(0, len(remove_ids), _CHUNK):
                chunk = remove_ids[i:i + _CHUNK]
                self.db.execute(f"DELETE FROM developments WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            for dev in developments:
                self.db.execute("DELETE FROM developments WHERE id = ?", (dev.id,))
                self.db.execute(
                    "INSERT INTO developments VALUES (?,?,?,?,?,?,?,?,?)",
                    (dev.id, dev.block, dev.track_id, dev.jurisdiction, dev.instrument, dev.first_day, dev.last_day,
                     json.dumps(dev.to_dict(members=False), ensure_ascii=False),
                     json.dumps([m.to_dict() for m in dev.members], ensure_ascii=False)))
                keys = set(dev.article_ids) | set(dev.linked_ids)
                self.db.executemany("INSERT OR IGNORE INTO development_keys VALUES (?,?)",
                                    [(k, dev.id) for k in sorted(keys)])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def list(self, query: DevelopmentQuery | None, members: bool) -> list[Development]:
        self._ensure()
        query = query or DevelopmentQuery()
        where, params = [], []
        for column, values in (("jurisdiction", query.jurisdictions), ("instrument", query.instruments),
                               ("track_id", query.track_ids), ("id", query.ids)):
            if values:
                where.append(f"{column} IN ({','.join('?' * len(values))})")
                params += values
        if query.since:
            where.append("last_day >= ?")
            params.append(query.since)
        column = "members" if members else "NULL"
        sql = (f"SELECT record, {column} FROM developments" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY first_day, id")
        return [_record(r[0], r[1]) for r in self.db.execute(sql, params)]

    def clear(self) -> None:
        self._ensure()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM development_keys")
            self.db.execute("DELETE FROM developments")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise


def _record(record: str, members: str | None) -> Development:
    data: dict[str, Any] = json.loads(record)
    data["members"] = json.loads(members) if members else []
    return Development.from_dict(data)
