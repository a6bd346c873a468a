"""The embedded store: one SQLite file with FTS5 over lemmas, WAL journaling, versioned schema.

Settings: the store URL `sqlite:///path/to/lexwatch.db` (default ./data/lexwatch.db).
Why lemmas in FTS5: SQLite has no Russian or Azerbaijani stemmer, so nlp.morph computes the keys
for documents and query words alike (the Elasticsearch store indexes the same keys).
"""
from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from collections import Counter
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Iterator

from lexwatch.index import day_counts, facet_terms, sqlite_fts, time_keys
from lexwatch.index.highlight import snippet
from lexwatch.index.query import ParsedQuery, Term, parse_query, phrase_alternatives
from lexwatch.index.store import (Filters, Hit, SearchResult, Store, StoreError, Timeline, UpsertReport, batched,
                         check_args, check_timeline_args, parse_bound, sqlite_path)
from lexwatch.index.timebuckets import bucket_starts, bucket_start, published_day
from lexwatch.article import Article, article_id
from lexwatch.urls import canonical_url
from lexwatch.nlp.morph import lemma_text

log = logging.getLogger(__name__)
SCHEMA_VERSION = 7
APPLICATION_ID = 0x4C455857  # "LEXW": tells our files from any other SQLite database
FTS_SCHEMA = """CREATE VIRTUAL TABLE {name} USING fts5(lemmas, facets, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO {name}({name}, rank) VALUES ('rank', 'bm25(1.0, 0.0)')"""   # relevance from the text alone


def _add_day_counts(db: sqlite3.Connection) -> None:
    db.execute(day_counts.SCHEMA)
    day_counts.rebuild(db)


def _add_time_keys(db: sqlite3.Connection) -> None:
    """Every article gets a time key (index/time_keys.py) in article_keys, and the FTS table is rebuilt
    under those keys with each article's facet words (index/facet_terms.py). The article rows stay."""
    if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'article_keys'").fetchone()[0]:
        return   # keyed already (the migration is one transaction: the table means it finished)
    db.execute("CREATE TABLE article_keys (key INTEGER PRIMARY KEY, article_rowid INTEGER NOT NULL UNIQUE)")
    keys = time_keys.Allocator(None)
    db.executemany("INSERT INTO article_keys (key, article_rowid) VALUES (?, ?)", (
        (keys.key(time_keys.prefix(day)), rowid) for rowid, day in
        db.execute("SELECT rowid, published_day FROM articles ORDER BY rowid")))
    for statement in FTS_SCHEMA.format(name="articles_fts_keyed").split(";"):
        db.execute(statement)
    db.execute(f"""INSERT INTO articles_fts_keyed (rowid, lemmas, facets)
        SELECT k.key, f.lemmas, {facet_terms.document_sql("a", "a.rowid")}
        FROM articles_fts f JOIN article_keys k ON k.article_rowid = f.rowid JOIN articles a ON a.rowid = f.rowid
        ORDER BY k.key""")
    db.execute("DROP TABLE articles_fts")
    db.execute("ALTER TABLE articles_fts_keyed RENAME TO articles_fts")


MIGRATIONS: dict[int, str | Callable[[sqlite3.Connection], None]] = {
    1: """
    CREATE TABLE articles (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        canonical_url TEXT NOT NULL,
        outlet TEXT, edition TEXT, language TEXT, stage TEXT, relevant INTEGER NOT NULL DEFAULT 0,
        published_at TEXT, published_ts REAL, published_day TEXT,
        fetched_ts REAL, content_hash TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX articles_url ON articles(canonical_url);
    CREATE INDEX articles_day ON articles(published_day);
    CREATE INDEX articles_order ON articles(published_ts, id);
    CREATE INDEX articles_fetched ON articles(fetched_ts);
    CREATE TABLE article_jurisdictions (
        code TEXT NOT NULL, article_rowid INTEGER NOT NULL, PRIMARY KEY (code, article_rowid)
    ) WITHOUT ROWID;
    CREATE INDEX jurisdictions_by_article ON article_jurisdictions(article_rowid);
    CREATE VIRTUAL TABLE articles_fts USING fts5(lemmas, tokenize = 'unicode61 remove_diacritics 0');
    """,   # (version 7 replaces this FTS table with FTS_SCHEMA's)
    # Timelines group by day under filters on relevance, language, outlet, stage: one covering index
    # answers them without reading the article rows (100k articles: p50 309 -> 60 ms). It starts with
    # published_day, so it also serves everything the day index did.
    2: """
    CREATE INDEX articles_timeline ON articles(published_day, relevant, language, outlet, stage);
    DROP INDEX articles_day;
    """,
    # Newest-first in index order (DESC for the date, ASC for the tie-break), so a page of a broad
    # match is read off the index instead of sorting every match.
    3: """
    CREATE INDEX articles_newest ON articles(published_ts DESC, id ASC);
    """,
    # Every filter column by rowid: a text query's matches (rowids from FTS5) are filtered, counted
    # and bucketed from this narrow index instead of from the article rows, whose JSON makes each one
    # a page of its own (100k articles, "дипфейк OR deepfake" timeline: 16.6 -> 9.2 ms).
    4: """
    CREATE INDEX articles_facets ON articles(rowid, published_day, relevant, language, outlet, stage,
                                             published_ts, fetched_ts);
    """,
    # Timelines without text from per-day counts (index/day_counts.py) instead of every article.
    5: _add_day_counts,
    # The newest-first walk checks filters in the index itself instead of reading each article row
    # (1M articles, "закон" in one outlet and one year: 372 ms of row reads).
    6: """
    DROP INDEX articles_newest;
    CREATE INDEX articles_newest ON articles(published_ts DESC, id ASC, relevant, language, outlet, stage,
                                            published_day, fetched_ts);
    """,
    # Time keys as FTS5 rowids and filter values as FTS5 words: queries FTS5 can answer whole are
    # counted, paged and bucketed inside FTS5 (index/sqlite_fts.py).
    7: _add_time_keys,
}
# The article rows of FTS5 matches (FTS5 rowids are time keys; article rowids follow insertion).
_TEXT_MATCHES = ("SELECT k.article_rowid FROM articles_fts f JOIN article_keys k ON k.key = f.rowid "
                 "WHERE articles_fts MATCH ?")
REWRITES = {7}   # migrations that rebuild the full-text index (the others change indexes or add tables)
# Above this many matches a date-sorted page is found by walking articles_newest and keeping
# the matching rows (a few thousand index steps); below it, sorting the matches is cheaper.
ORDERED_SCAN_MIN_MATCHES = 1000

SPLIT_COLUMNS = {"stage": "a.stage", "outlet": "a.outlet", "language": "a.language"}


def _ts(iso: str | None) -> float | None:
    if not iso:
        return None
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _bound_ts(bound: str) -> float:
    """A fetched_from bound as a timestamp; a bare day means its start in UTC."""
    value = parse_bound(bound)
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return value.timestamp()


def _fts_word(keys: frozenset[str]) -> str:
    alternatives = [f'"{k}"' for k in sorted(keys)]
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def _fts_term(term: Term) -> str:
    if len(term) == 1:
        return _fts_word(term[0])
    # FTS5 phrases cannot hold alternatives, so the (small) product of them becomes an OR of phrases.
    quoted = [f'"{p}"' for p in phrase_alternatives(term)]
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def fts_expression(query: ParsedQuery) -> tuple[str | None, str | None]:
    """(positive MATCH expression, negative MATCH expression) for FTS5, on the text column only (the
    facets column holds words such as `all`)."""
    positive = " AND ".join(
        "(" + " OR ".join(_fts_term(t) for t in group) + ")" for group in query.groups) or None
    negative = " OR ".join(_fts_term(t) for t in query.negatives) or None
    return tuple(f"lemmas : ({e})" if e else None for e in (positive, negative))


def _facet_filters(filters: Filters) -> bool:
    return bool(filters.languages or filters.outlets or filters.stages or filters.jurisdictions
                or filters.relevant is not None)


def _source(parsed: ParsedQuery) -> str:
    """Where a filtered count reads its rows: text matches (rowids from FTS5) are looked up in the
    narrow facets index; without text the planner picks the day-ordered timeline index."""
    return "articles a INDEXED BY articles_facets" if fts_expression(parsed)[0] else "articles a"


def _ts_window(filters: Filters) -> tuple[str, list[float]]:
    """Day bounds again on the UTC timestamp, a day wider for any offset, so that a newest-first
    walk seeks to the range instead of stepping through every newer article (" AND ..." clauses)."""
    clauses, params = "", []
    for bound, op, shift in ((filters.date_from, ">=", -1), (filters.date_to, "<", 2)):
        value = parse_bound(bound) if bound else None
        if value is not None and not isinstance(value, datetime):
            edge = datetime(value.year, value.month, value.day, tzinfo=timezone.utc) + timedelta(days=shift)
            clauses += f" AND a.published_ts {op} ?"
            params.append(edge.timestamp())
    return clauses, params


class SqliteStore(Store):
    def __init__(self, url: str) -> None:
        self.url = url
        self.path = sqlite_path(url)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._check_foreign_file()
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=10000")
            self.db.execute("PRAGMA journal_size_limit=67108864")   # a big write's WAL shrinks back
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable lexwatch store: {exc}") from None

    def _check_foreign_file(self) -> None:
        """Refuse any existing file that is not our database rather than writing a store over it."""
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not a lexwatch store file")
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with open(self.path, "rb") as fh:
            header = fh.read(100)
        if not header.startswith(b"SQLite format 3\x00"):
            raise StoreError(f"{self.path} is not a lexwatch store (not an SQLite database)")
        app_id = int.from_bytes(header[68:72], "big")
        if app_id not in (0, APPLICATION_ID):
            raise StoreError(f"{self.path} is an SQLite database of another application")
        if app_id == 0:  # look before writing anything: switching to WAL alone rewrites the header
            try:
                ro = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)
                try:
                    names = {row[0] for row in ro.execute("SELECT name FROM sqlite_master")}
                finally:
                    ro.close()
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path} is not a usable lexwatch store: {exc}") from None
            if names and "articles" not in names:
                raise StoreError(f"{self.path} is an SQLite database but not a lexwatch store")

    def _error(self, exc: sqlite3.DatabaseError) -> StoreError:
        text = " ".join(str(exc).split())
        if isinstance(exc, sqlite3.OperationalError) and "malformed" not in text:   # locked, full, I/O
            return StoreError(f"{self.path}: {text}")
        return StoreError(f"{self.path} is damaged ({text}); restore it from a backup or rebuild it from "
                          "the WARC files with `lexwatch reprocess`")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """SQLite failures (a damaged file, a full disk, a lock held too long) as one-line StoreErrors."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        tables = self.db.execute("SELECT count(*) FROM sqlite_master WHERE name='articles'").fetchone()[0]
        if version == 0 and self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] and not tables:
            raise StoreError(f"{self.path} is an SQLite database but not a lexwatch store")
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} has schema {version}, newer than this lexwatch ({SCHEMA_VERSION})")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have migrated while we waited for the write lock.
                if self.db.execute("PRAGMA user_version").fetchone()[0] >= target:
                    self.db.execute("COMMIT")
                    continue
                step = MIGRATIONS[target]
                if target in REWRITES:
                    self._before_rewrite(target)
                if callable(step):
                    step(self.db)
                else:
                    for statement in step.split(";"):
                        if statement.strip():
                            self.db.execute(statement)
                self.db.execute(f"PRAGMA application_id={APPLICATION_ID}")
                self.db.execute(f"PRAGMA user_version={target}")
                self.db.execute("COMMIT")
            except Exception:
                self.db.execute("ROLLBACK")
                raise
            if target in REWRITES:   # the rewrite went through the WAL: apply it and give the space back
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _before_rewrite(self, target: int) -> None:
        """A migration that rebuilds the full-text index runs in one transaction, so the new index
        passes through the WAL and then into the file: refuse it early when the disk cannot hold that
        (the index is a fraction of the file; the file's size is the safe figure)."""
        articles = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        if not articles:
            return
        size = self.path.stat().st_size
        free = shutil.disk_usage(self.path.parent).free
        if free < size:
            raise StoreError(f"{self.path}: upgrading this store to schema {target} rebuilds its full-text index: "
                             f"it needs up to {size / 1e9:.1f} GB free next to it and {free / 1e9:.1f} GB are; "
                             f"free space or move the file, then open it again (nothing was changed)")
        log.warning("%s: upgrading %s articles to schema %s (rebuilding the full-text index, once; "
                    "minutes per million articles)", self.path, f"{articles:,}", target)

    # -- writing ---------------------------------------------------------------------------
    def upsert(self, articles: Iterable[Article], replace: bool = False) -> UpsertReport:
        report = UpsertReport()
        for batch in batched(articles, 500):
            with self._guard():
                report += self._upsert_batch(batch, replace)
        return report

    def _upsert_batch(self, batch: list[Article], replace: bool) -> UpsertReport:
        report = UpsertReport()
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            unique = {a.id: a for a in batch}   # the last version of an id in one batch wins
            marks = ",".join("?" * len(unique))
            stored = {aid: (rowid, digest, key) for aid, rowid, digest, key in db.execute(
                f"SELECT a.id, a.rowid, a.content_hash, k.key FROM articles a JOIN article_keys k "
                f"ON k.article_rowid = a.rowid WHERE a.id IN ({marks})", list(unique))}
            next_rowid = db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0] + 1
            keys = time_keys.Allocator(db)
            inserts, updates, new_keys, moved_keys, fts, jurisdictions = [], [], [], [], [], []
            counts: Counter = Counter()   # day_counts deltas
            for article in unique.values():
                old = stored.get(article.id)
                if old and old[1] == article.content_hash and not replace:
                    report.unchanged += 1
                    continue
                try:
                    values = self._row(article)
                    start = time_keys.prefix(values[9])
                    key = old[2] if old and time_keys.prefix_of(old[2]) == start else keys.key(start)
                except (ValueError, TypeError) as exc:
                    report.errors.append((article.id, f"{article.url}: {exc}"))
                    continue
                if old:
                    rowid = old[0]
                    updates.append(values[1:] + (rowid,))
                    if key != old[2]:   # a new publication time moves the article to a new key
                        moved_keys.append((key, rowid))
                    report.updated += 1
                else:
                    rowid, next_rowid = next_rowid, next_rowid + 1
                    inserts.append((rowid,) + values)
                    new_keys.append((key, rowid))
                    report.created += 1
                codes = article.deepfake.get("jurisdictions") or []
                fts.append((key, lemma_text(f"{article.title}\n{article.body}", article.language),
                            facet_terms.document(values[4], values[2], values[5], values[6], codes)))
                jurisdictions.extend((code, rowid) for code in codes)
                counts[day_counts.key(values[9], values[6], values[4], values[2], values[5], codes)] += 1
            for old_key in day_counts.stored_keys(db, [u[-1] for u in updates]).values():
                counts[old_key] -= 1
            day_counts.apply(db, counts)
            updated = {u[-1] for u in updates}
            db.executemany("DELETE FROM articles_fts WHERE rowid=?",
                           [(key,) for rowid, _, key in stored.values() if rowid in updated])
            db.executemany("DELETE FROM article_jurisdictions WHERE article_rowid=?", [(r,) for r in updated])
            db.executemany("UPDATE article_keys SET key=? WHERE article_rowid=?", moved_keys)
            db.executemany("""UPDATE articles SET canonical_url=?, outlet=?, edition=?, language=?, stage=?,
                relevant=?, published_at=?, published_ts=?, published_day=?, fetched_ts=?, content_hash=?,
                doc=? WHERE rowid=?""", updates)
            db.executemany("""INSERT INTO articles (rowid, id, canonical_url, outlet, edition, language, stage,
                relevant, published_at, published_ts, published_day, fetched_ts, content_hash, doc)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", inserts)
            db.executemany("INSERT INTO article_keys(key, article_rowid) VALUES (?,?)", new_keys)
            # Ascending: FTS5 flushes its pending segment whenever a rowid is not above the last one.
            db.executemany("INSERT INTO articles_fts(rowid, lemmas, facets) VALUES (?,?,?)", sorted(fts))
            db.executemany("INSERT OR IGNORE INTO article_jurisdictions(code, article_rowid) VALUES (?,?)",
                           jurisdictions)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:   # SQLite rolls back by itself after some errors (a full disk)
                db.execute("ROLLBACK")
            raise
        return report

    @staticmethod
    def _row(article: Article) -> tuple[Any, ...]:
        tags = article.deepfake
        return (article.id, article.canonical_url, article.outlet, article.edition, article.language,
                tags.get("stage"), int(bool(tags.get("relevant"))), article.published_at,
                _ts(article.published_at), published_day(article.published_at), _ts(article.fetched_at),
                article.content_hash, article.to_json())

    def delete(self, ids: Iterable[str]) -> int:
        with self._guard():
            return self._delete(ids)

    def _delete(self, ids: Iterable[str]) -> int:
        deleted = 0
        gone: Counter = Counter()   # day_counts keys of the deleted articles, subtracted once
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for aid in ids:
                row = self.db.execute("SELECT a.rowid, k.key FROM articles a JOIN article_keys k "
                                      "ON k.article_rowid = a.rowid WHERE a.id=?", (aid,)).fetchone()
                if row:
                    rowid, key = row
                    gone.update(day_counts.stored_keys(self.db, [rowid]).values())
                    self.db.execute("DELETE FROM articles_fts WHERE rowid=?", (key,))
                    self.db.execute("DELETE FROM article_keys WHERE key=?", (key,))
                    self.db.execute("DELETE FROM article_jurisdictions WHERE article_rowid=?", (rowid,))
                    self.db.execute("DELETE FROM articles WHERE rowid=?", (rowid,))
                    deleted += 1
            day_counts.apply(self.db, Counter({k: -n for k, n in gone.items()}))
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        return deleted

    # -- reading ---------------------------------------------------------------------------
    def get(self, article_id_: str) -> Article | None:
        with self._guard():
            row = self.db.execute("SELECT doc FROM articles WHERE id=?", (article_id_,)).fetchone()
        return Article.from_dict(json.loads(row[0])) if row else None

    def seen(self, url: str) -> bool:
        with self._guard():
            return self.db.execute("SELECT 1 FROM articles WHERE id=?",
                                   (article_id(canonical_url(url)),)).fetchone() is not None

    def stored_hashes(self, urls: Iterable[str]) -> dict[str, str]:
        with self._guard():
            return self._stored_hashes(urls)

    def _stored_hashes(self, urls: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for url in urls:
            row = self.db.execute("SELECT canonical_url, content_hash FROM articles WHERE id=?",
                                  (article_id(canonical_url(url)),)).fetchone()
            if row:
                out[row[0]] = row[1]
        return out

    def _where(self, query: str | ParsedQuery, filters: Filters | None) -> tuple[str, list[Any]]:
        parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
        f = filters or Filters()
        clauses, params = [], []
        positive, negative = fts_expression(parsed)
        if positive:
            clauses.append(f"a.rowid IN ({_TEXT_MATCHES})")
            params.append(positive)
        if negative:
            clauses.append(f"a.rowid NOT IN ({_TEXT_MATCHES})")
            params.append(negative)
        shared, shared_params = day_counts.facet_clauses("a", f)
        clauses += shared
        params += shared_params
        if f.jurisdictions:
            clauses.append("a.rowid IN (SELECT article_rowid FROM article_jurisdictions WHERE code IN "
                           f"({','.join('?' * len(f.jurisdictions))}))")
            params.extend(f.jurisdictions)
        for bound, op in ((f.date_from, ">="), (f.date_to, "<=")):
            if bound is None:
                continue
            value = parse_bound(bound)
            if isinstance(value, datetime):
                clauses.append(f"a.published_ts {op} ?")
                params.append(value.timestamp())
            else:
                clauses.append(f"a.published_day {op} ?")
                params.append(value.isoformat())
        if f.fetched_from:
            clauses.append("a.fetched_ts >= ?")
            params.append(_bound_ts(f.fetched_from))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _fetch(self, sql: str, params: list[Any]) -> list[tuple]:
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "malformed" not in str(exc):
                raise StoreError(f"search failed on {self.path}: {exc}") from None
            raise self._error(exc) from None

    def _fts_query(self, parsed: ParsedQuery, filters: Filters) -> sqlite_fts.FtsQuery | None:
        """The query as FTS5 answers it whole, or None when SQL must check the articles."""
        if not facet_terms.expressible(filters):
            return None
        return sqlite_fts.FtsQuery.of(facet_terms.expression(*fts_expression(parsed), filters), filters)

    def _fts_count(self, parsed: ParsedQuery, filters: Filters, fts: sqlite_fts.FtsQuery) -> int:
        if parsed.empty and not _facet_filters(filters):
            # Every article, or every one in a date range: the per-day counts (a few rows a day)
            # instead of FTS5's list of every article; undated ones FTS5 counts.
            where, params = day_counts.where(filters)
            dated = self._fetch(f"SELECT coalesce(sum(r.n), 0) FROM day_counts r{where}", params)[0][0]
            return dated + sqlite_fts.count(self._fetch, fts.narrowed(high=time_keys.DATED_START))
        return sqlite_fts.count(self._fetch, fts)

    def count(self, query: str = "", filters: Filters | None = None) -> int:
        parsed = parse_query(query)
        if (fts := self._fts_query(parsed, filters or Filters())) is not None:
            return self._fts_count(parsed, filters or Filters(), fts)
        where, params = self._where(parsed, filters)
        return self._fetch(f"SELECT count(*) FROM {_source(parsed)}{where}", params)[0][0]

    def search(self, query: str = "", filters: Filters | None = None, sort: str = "date",
               page: int = 1, size: int = 20) -> SearchResult:
        check_args(sort, page, size)
        parsed = parse_query(query)
        fts = self._fts_query(parsed, filters or Filters())
        if fts is not None and (sort == "date" or not parsed.groups):   # no text to rank: newest first
            total = self._fts_count(parsed, filters or Filters(), fts)
            rowids = sqlite_fts.page_rowids(self._fetch, fts, page * size) if total > (page - 1) * size else []
            return self._result([(rowid, 0.0) for rowid in rowids[(page - 1) * size:]], parsed, total, page, size)
        where, params = self._where(parsed, filters)
        positive, negative = fts_expression(parsed)
        survivors: list[int] | None = None
        if fts is not None:
            total = self._fts_count(parsed, filters or Filters(), fts)
        elif positive and not negative and not (filters and filters.to_dict()):
            # Text alone: FTS5 counts its own matches without visiting the articles table.
            total = self._fetch("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [positive])[0][0]
        else:
            if positive and sort != "relevance" and self._fetch(
                    "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [positive])[0][0] \
                    < ORDERED_SCAN_MIN_MATCHES:
                # Few text matches (FTS5 counts them cheaply): filtering them in the facets index
                # gives both the total and the rows to sort, in one pass.
                survivors = [r[0] for r in self._fetch(f"SELECT a.rowid FROM {_source(parsed)}{where}", params)]
            total = len(survivors) if survivors is not None else \
                self._fetch(f"SELECT count(*) FROM {_source(parsed)}{where}", params)[0][0]
        order = "a.published_ts DESC, a.id ASC"   # NULL dates sort last in DESC order
        source = "articles a"
        select = "SELECT a.rowid, 0.0 FROM"
        if sort == "relevance" and positive:
            source = ("articles a JOIN article_keys k ON k.article_rowid = a.rowid "
                      "JOIN articles_fts f ON f.rowid = k.key AND articles_fts MATCH ?")
            select = "SELECT a.rowid, -f.rank FROM"
            params = [positive] + params
            order = "f.rank ASC, " + order
        elif survivors is not None:
            where, params = f" WHERE a.rowid IN ({','.join('?' * len(survivors))})", list(survivors)
        elif total >= ORDERED_SCAN_MIN_MATCHES:
            source = "articles a INDEXED BY articles_newest"
            window, extra = _ts_window(filters or Filters())
            where, params = where + window, params + extra
        # Rows are chosen and ordered on their ids first; only the page's documents are read.
        ranked = self._fetch(f"{select} {source}{where} ORDER BY {order} LIMIT ? OFFSET ?",
                             params + [size, (page - 1) * size])
        return self._result(ranked, parsed, total, page, size)

    def _result(self, ranked: list[tuple[int, float]], parsed: ParsedQuery, total: int, page: int,
                size: int) -> SearchResult:
        docs = dict(self._fetch(f"SELECT rowid, doc FROM articles WHERE rowid IN ({','.join('?' * len(ranked))})",
                                [rowid for rowid, _ in ranked])) if ranked else {}
        hits = []
        for rowid, score in ranked:
            article = Article.from_dict(json.loads(docs[rowid]))
            hits.append(Hit(article, snippet(article.body, parsed, article.language), float(score)))
        return SearchResult(total=total, hits=hits, page=page, size=size)

    def timeline(self, query: str = "", filters: Filters | None = None, interval: str = "month",
                 split: str | None = None) -> Timeline:
        check_timeline_args(interval, split)
        parsed = parse_query(query)
        if day_counts.answers(parsed, filters or Filters()):
            where, params = day_counts.where(filters or Filters())
            key = day_counts.SPLIT_COLUMNS.get(split or "")
            group = f"{key}, sum(r.n) FROM day_counts r{where} GROUP BY 1, 2" if key else \
                f"NULL, sum(r.n) FROM day_counts r{where} GROUP BY 1"
            rows = self._fetch(f"SELECT r.published_day, {group}", params)
            split_rows = self._fetch(f"SELECT r.published_day, j.value, sum(r.n) FROM day_counts r, "
                                     f"json_each(r.jurisdictions) j{where} GROUP BY 1, 2", params) \
                if split == "jurisdiction" else []
        elif (fts := self._fts_query(parsed, filters or Filters())) is not None:
            return Timeline(interval=interval, split=split,
                            buckets=sqlite_fts.timeline(self._fetch, fts, interval, split, self._split_words))
        else:
            where, params = self._where(parsed, filters)
            where += (" AND " if where else " WHERE ") + "a.published_day IS NOT NULL"
            key = SPLIT_COLUMNS.get(split or "")   # an article has one stage, outlet, language
            group = f"{key}, count(*) FROM {_source(parsed)}{where} GROUP BY 1, 2" if key else \
                f"NULL, count(*) FROM {_source(parsed)}{where} GROUP BY 1"
            rows = self._fetch(f"SELECT a.published_day, {group}", params)
            # An article may name several countries or none, so they are counted apart from the total.
            # Few articles name one: walk those (CROSS JOIN keeps them the outer loop) and look each
            # up by rowid.
            split_rows = self._fetch(
                f"SELECT a.published_day, j.code, count(*) FROM article_jurisdictions j CROSS JOIN "
                f"articles a INDEXED BY articles_facets ON a.rowid = j.article_rowid{where} GROUP BY 1, 2",
                params) if split == "jurisdiction" else []
        totals: dict[date, int] = {}
        counts: dict[date, dict[str, int]] = {}
        for day, value, n in rows:
            start = bucket_start(date.fromisoformat(day), interval)
            totals[start] = totals.get(start, 0) + n
            if split and split != "jurisdiction":
                per = counts.setdefault(start, {})
                per[value or "none"] = per.get(value or "none", 0) + n
        for day, code, n in split_rows:
            per = counts.setdefault(bucket_start(date.fromisoformat(day), interval), {})
            per[code] = per.get(code, 0) + n
        buckets = [{"start": s.isoformat(), "total": totals.get(s, 0), "counts": counts.get(s, {})}
                   for s in bucket_starts(totals, interval)]
        return Timeline(interval=interval, split=split, buckets=buckets)

    def _split_words(self, split: str) -> list[tuple[str, str]]:
        """(label, facet word) of every value stored for a split: country codes by skipping through
        their index, other facets from the per-day counts (missing values count as "none")."""
        if split == "jurisdiction":
            codes, code = [], ""
            while (code := self._fetch("SELECT min(code) FROM article_jurisdictions WHERE code > ?", [code])[0][0]):
                codes.append(code)
            return [(c, facet_terms.word("j", c)) for c in codes]
        column = day_counts.SPLIT_COLUMNS[split].split(".")[1]
        prefix = sqlite_fts.SPLIT_PREFIXES[split]
        return [(value or "none", facet_terms.word(prefix, value))
                for value, in self._fetch(f"SELECT DISTINCT {column} FROM day_counts", [])]

    def iterate(self, query: str = "", filters: Filters | None = None,
                batch_size: int = 1000) -> Iterator[Article]:
        """Oldest first, undated articles before all (as Elasticsearch's "missing first"), a page at a
        time from where the last one ended. Both walks follow the (published_ts, id) index: a keyset
        on an expression (coalesce) could not, and every page sorted the whole store (1M: hours)."""
        where, params = self._where(query, filters)
        glue = " AND " if where else " WHERE "
        last_id = ""
        while True:   # undated, by id
            rows = self._fetch(f"SELECT a.doc, a.id FROM articles a INDEXED BY articles_order{where}{glue}"
                               f"a.published_ts IS NULL AND a.id > ? ORDER BY a.published_ts, a.id LIMIT ?",
                               params + [last_id, batch_size])
            yield from (Article.from_dict(json.loads(doc)) for doc, _ in rows)
            if len(rows) < batch_size:
                break
            last_id = rows[-1][1]
        keyset, after = "a.published_ts IS NOT NULL", []
        while True:   # dated, by (published_ts, id)
            rows = self._fetch(f"SELECT a.doc, a.published_ts, a.id FROM articles a INDEXED BY articles_order"
                               f"{where}{glue}{keyset} ORDER BY a.published_ts, a.id LIMIT ?",
                               params + after + [batch_size])
            yield from (Article.from_dict(json.loads(doc)) for doc, _, _ in rows)
            if len(rows) < batch_size:
                return
            keyset, after = "(a.published_ts, a.id) > (?, ?)", [rows[-1][1], rows[-1][2]]

    # -- developments: index/sqlite_developments.py ------------------------------------------
    @property
    def _developments(self):
        from lexwatch.index.sqlite_developments import SqliteDevelopments
        if not hasattr(self, "_developments_tables"):
            self._developments_tables = SqliteDevelopments(self.db)
        return self._developments_tables

    def developments_touching(self, article_ids, blocks):
        with self._guard():
            return self._developments.touching(article_ids, blocks)

    def replace_developments(self, remove_ids, developments):
        with self._guard():
            self._developments.replace(remove_ids, developments)

    def list_developments(self, query=None, members=True):
        with self._guard():
            return self._developments.list(query, members)

    def clear_developments(self):
        with self._guard():
            self._developments.clear()

    def close(self) -> None:
        try:
            self.db.close()
        except Exception:
            pass
