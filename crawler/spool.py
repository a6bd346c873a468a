"""The spool: analyzed articles the store could not take yet, kept on local disk until it can.

When the store is unreachable (Elasticsearch stopped, a network cut, a locked or full disk) or
refuses some documents of a bulk request, StorePipeline writes those articles here instead of
dropping them: an SQLite file beside the crawl state (`<crawl state>.spool.db`; WAL, every write
committed at once, so a kill loses nothing written). They are replayed
- when the next batch is written, at most every LEXWATCH_SPOOL_RETRY seconds while the store is away,
- when the spider closes, and
- when the next crawl of the outlet starts.
An article leaves the spool only once the store has taken it, and a newer version of the same
article (a later fetch stored directly, or spooled again) replaces or removes the older one, so a
replay never writes an old text over a new one. The store's idempotent upsert stores nothing twice.
A document the store refuses while it is up (a mapping limit, a write block) is retried like the
rest; each refusal is counted in `attempts` and its reason kept in `last_error`.
Settings: LEXWATCH_SPOOL_PATH (default beside the crawl state), LEXWATCH_SPOOL_RETRY (seconds, 30).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from lexwatch.crawler.state import open_crawl_db
from lexwatch.article import Article

SCHEMA = """
CREATE TABLE IF NOT EXISTS spool (
    id TEXT PRIMARY KEY,            -- Article.id
    outlet TEXT NOT NULL,
    requested TEXT NOT NULL,        -- canonical form of the URL the crawl asked for (frontier key)
    lastmod TEXT,                   -- what the crawl state records once the article is stored
    doc TEXT NOT NULL,              -- the Article as JSON
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    spooled_at REAL NOT NULL);
"""


def spool_path_for(state_path: str | Path) -> Path:
    """data/lexwatch.crawl-state.db -> data/lexwatch.crawl-state.spool.db"""
    path = Path(state_path)
    return path.with_name(path.stem + ".spool.db")


@dataclass
class Spooled:
    article: Article
    requested: str
    lastmod: str | None
    attempts: int
    last_error: str | None


class Spool:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db = open_crawl_db(self.path, SCHEMA)

    def close(self) -> None:
        self.db.close()

    def put(self, outlet: str, entries: Iterable[tuple[Article, str, str | None]], reason: str) -> int:
        """Keep (article, requested canonical URL, lastmod) rows; one transaction. Returns how many."""
        rows = [(a.id, outlet, requested, lastmod, a.to_json(), reason[:1000], time.time())
                for a, requested, lastmod in entries]
        if not rows:
            return 0
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany(
            """INSERT INTO spool (id, outlet, requested, lastmod, doc, last_error, spooled_at) VALUES (?,?,?,?,?,?,?)
               ON CONFLICT(id) DO UPDATE SET outlet=excluded.outlet, requested=excluded.requested,
               lastmod=excluded.lastmod, doc=excluded.doc, last_error=excluded.last_error""", rows)
        self.db.execute("COMMIT")
        return len(rows)

    def entries(self, outlet: str | None = None, limit: int = 500) -> Iterator[list[Spooled]]:
        """The spooled articles, oldest first, in chunks of `limit` read one at a time (a spool that
        grew during a long outage is never held in memory whole); callers may discard as they go."""
        where = "AND outlet=?" if outlet else ""
        last = 0
        while True:
            rows = self.db.execute(f"SELECT rowid, doc, requested, lastmod, attempts, last_error FROM spool "
                                   f"WHERE rowid > ? {where} ORDER BY rowid LIMIT ?",
                                   [last, *([outlet] if outlet else []), limit]).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [Spooled(Article.from_dict(json.loads(doc)), requested, lastmod, attempts, error)
                   for _, doc, requested, lastmod, attempts, error in rows]

    def discard(self, ids: Iterable[str]) -> None:
        """The store has these articles (or a newer version of them): out of the spool."""
        ids = [(i,) for i in ids]
        if ids:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("DELETE FROM spool WHERE id=?", ids)
            self.db.execute("COMMIT")

    def refused(self, errors: Iterable[tuple[str, str]]) -> None:
        """The store was up but refused these documents: count the attempt, keep the reason."""
        rows = [(reason[:1000], i) for i, reason in errors]
        if rows:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("UPDATE spool SET attempts=attempts+1, last_error=? WHERE id=?", rows)
            self.db.execute("COMMIT")

    def count(self, outlet: str | None = None) -> int:
        if outlet:
            return self.db.execute("SELECT count(*) FROM spool WHERE outlet=?", (outlet,)).fetchone()[0]
        return self.db.execute("SELECT count(*) FROM spool").fetchone()[0]

    def ids(self, outlet: str | None = None) -> set[str]:
        where, args = ("WHERE outlet=?", [outlet]) if outlet else ("", [])
        return {row[0] for row in self.db.execute(f"SELECT id FROM spool {where}", args)}

    def canonicals(self, urls: Iterable[str]) -> set[str]:
        """Which of these canonical URLs wait in the spool (the frontier treats them as stored)."""
        out = set()
        for url in urls:
            if self.db.execute("SELECT 1 FROM spool WHERE requested=? LIMIT 1", (url,)).fetchone():
                out.add(url)
        return out
