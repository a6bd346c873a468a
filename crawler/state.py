"""Crawl memory that must survive between runs and a SIGKILL: a small SQLite file beside the store.

- validators: ETag / Last-Modified of feeds and sitemaps, for conditional GET;
- pending: article URLs scheduled but not yet stored (re-scheduled by the next run, so a killed
  crawl loses nothing even though Scrapy's JOBDIR queue is only saved on a clean stop);
- open_pages: listing pages scheduled but not yet read (pagination resumes where it was cut);
- stored: the lastmod each stored article reflects (a newer lastmod means refetch);
- settled: pages never to fetch again: archive pages of past days, articles that are gone (404/410);
- sitemap_children: the lastmod a sitemap index announced for each child when the child was last read
  (a child whose announced lastmod has not moved is not asked for again), and whether it is a news sitemap;
- covered: editions whose sitemaps a finished run read (their re-crawls start from the sitemaps alone).
Every write commits at once (autocommit + WAL): what was written survives a kill.
Setting: LEXWATCH_STATE_PATH (default: derived from LEXWATCH_STORE by `state_path_for`).
"""
from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path
from typing import Iterable

SCHEMA = """
CREATE TABLE IF NOT EXISTS validators (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);
CREATE TABLE IF NOT EXISTS pending (canonical TEXT PRIMARY KEY, url TEXT NOT NULL, outlet TEXT NOT NULL,
    site TEXT NOT NULL, edition TEXT, published TEXT, lastmod TEXT, attempts INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS open_pages (url TEXT PRIMARY KEY, chain TEXT NOT NULL, outlet TEXT NOT NULL,
    site TEXT NOT NULL, edition TEXT, attempts INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS stored (canonical TEXT PRIMARY KEY, lastmod TEXT);
CREATE TABLE IF NOT EXISTS settled (url TEXT PRIMARY KEY, at REAL);
CREATE TABLE IF NOT EXISTS sitemap_children (url TEXT PRIMARY KEY, lastmod TEXT, news INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS covered (edition TEXT PRIMARY KEY, at REAL);
"""


def state_path_for(store_url: str | None) -> Path:
    """sqlite:///data/x.db -> data/x.crawl-state.db; other stores get one under ./data/."""
    from lexwatch.index.store import resolve_store_url, sqlite_path, store_directory
    store_url = resolve_store_url(store_url)
    path = sqlite_path(store_url)
    if path:
        return path.with_name(path.stem + ".crawl-state.db")
    from lexwatch.urls import redact_url   # the same file whatever the password, and no password in it
    digest = hashlib.sha256(redact_url(store_url).encode()).hexdigest()[:10]
    return store_directory(store_url) / f"crawl-state-{digest}.db"


def open_crawl_db(path: Path, schema: str) -> sqlite3.Connection:
    """The crawl's own SQLite files (state, spool): autocommit, WAL so a killed crawl leaves whole
    transactions, and a wait instead of an error when another process holds the lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")
    db.executescript(schema)
    return db


class CrawlState:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db = open_crawl_db(self.path, SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- conditional GET -------------------------------------------------------------------
    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, last_modified FROM validators WHERE url=?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def remember_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        if etag or last_modified:
            self.db.execute("INSERT OR REPLACE INTO validators VALUES (?,?,?)", (url, etag, last_modified))

    # -- article frontier ------------------------------------------------------------------
    def add_pending(self, rows: list[tuple]) -> None:
        """rows of (canonical, url, outlet, site, edition, published, lastmod), one transaction."""
        if not rows:
            return
        self.db.execute("BEGIN")
        self.db.executemany(
            """INSERT INTO pending (canonical, url, outlet, site, edition, published, lastmod)
               VALUES (?,?,?,?,?,?,?) ON CONFLICT(canonical) DO UPDATE SET
               lastmod=max(coalesce(excluded.lastmod, ''), coalesce(pending.lastmod, ''))""", rows)
        self.db.execute("COMMIT")

    def raise_pending_lastmod(self, canonical: str, lastmod: str) -> None:
        self.db.execute("UPDATE pending SET lastmod=? WHERE canonical=? AND coalesce(lastmod,'') < ?",
                        (lastmod, canonical, lastmod))

    def pending(self, outlet: str, max_attempts: int) -> list[dict]:
        rows = self.db.execute(
            "SELECT canonical, url, site, edition, published, lastmod, attempts FROM pending "
            "WHERE outlet=? AND attempts < ? ORDER BY rowid", (outlet, max_attempts)).fetchall()
        keys = ("canonical", "url", "site", "edition", "published", "lastmod", "attempts")
        return [dict(zip(keys, row)) for row in rows]

    def count_attempt(self, canonicals: Iterable[str]) -> None:
        self.db.executemany("UPDATE pending SET attempts=attempts+1 WHERE canonical=?",
                            [(c,) for c in canonicals])

    def pending_lastmod(self, canonical: str) -> str | None:
        row = self.db.execute("SELECT lastmod FROM pending WHERE canonical=?", (canonical,)).fetchone()
        return row[0] or None if row else None

    def forget(self, canonical: str) -> None:
        self.db.execute("DELETE FROM pending WHERE canonical=?", (canonical,))

    def mark_stored(self, canonicals_lastmods: Iterable[tuple[str, str | None]]) -> None:
        rows = list(canonicals_lastmods)
        self.db.execute("BEGIN")
        self.db.executemany("INSERT OR REPLACE INTO stored VALUES (?,?)", rows)
        self.db.executemany("DELETE FROM pending WHERE canonical=?", [(c,) for c, _ in rows])
        self.db.execute("COMMIT")

    def stored_lastmods(self, canonicals: Iterable[str]) -> dict[str, str | None]:
        out = {}
        for canonical in canonicals:
            row = self.db.execute("SELECT lastmod FROM stored WHERE canonical=?", (canonical,)).fetchone()
            if row:
                out[canonical] = row[0]
        return out

    # -- pagination ------------------------------------------------------------------------
    def open_page(self, url: str, chain: str, outlet: str, site: str, edition: str | None) -> None:
        self.db.execute("INSERT OR IGNORE INTO open_pages (url, chain, outlet, site, edition) VALUES (?,?,?,?,?)",
                        (url, chain, outlet, site, edition))

    def close_page(self, url: str) -> None:
        self.db.execute("DELETE FROM open_pages WHERE url=?", (url,))

    def open_pages(self, outlet: str, max_attempts: int) -> list[dict]:
        rows = self.db.execute("SELECT url, chain, site, edition FROM open_pages WHERE outlet=? AND attempts < ?",
                               (outlet, max_attempts)).fetchall()
        self.db.execute("UPDATE open_pages SET attempts=attempts+1 WHERE outlet=?", (outlet,))
        return [dict(zip(("url", "chain", "site", "edition"), row)) for row in rows]

    # -- settled pages (past archive days, gone articles) ------------------------------------
    def settled(self, url: str) -> bool:
        return self.db.execute("SELECT 1 FROM settled WHERE url=?", (url,)).fetchone() is not None

    def settle(self, url: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO settled VALUES (?,?)", (url, time.time()))

    # -- incremental discovery (sitemap children read, editions covered by sitemaps) ----------
    def sitemap_child(self, url: str) -> tuple[str | None, bool] | None:
        """(announced lastmod when last read, is a news sitemap), or None for a child never read."""
        row = self.db.execute("SELECT lastmod, news FROM sitemap_children WHERE url=?", (url,)).fetchone()
        return (row[0], bool(row[1])) if row else None

    def remember_sitemap_child(self, url: str, lastmod: str | None, news: bool) -> None:
        self.db.execute("INSERT OR REPLACE INTO sitemap_children VALUES (?,?,?)", (url, lastmod, int(news)))

    def covered(self, edition: str) -> bool:
        return self.db.execute("SELECT 1 FROM covered WHERE edition=?", (edition,)).fetchone() is not None

    def cover(self, editions: Iterable[str]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO covered VALUES (?,?)", [(e, time.time()) for e in editions])
