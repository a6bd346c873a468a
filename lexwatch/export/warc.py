"""WARC export: the crawler's own captures of the selected articles, copied byte for byte.

The crawler writes request/response records with warcio under `<store dir>/warc/` (`--warc-dir`).
A record is copied when its WARC-Target-URI canonicalizes (lexwatch.urls.canonical_url) to the
canonical_url of a selected article; requests share their response's URI, so pairs travel together.

Why copy raw gzip members instead of re-serializing with warcio: the captured bytes, digests and
record ids stay exactly as archived, which is what makes the export citable. Uncompressed inputs
are gzipped one record per member, as WARC readers expect of a .warc.gz.

Why a temporary SQLite table of selected ids: a million ids in a Python set would take ~100 MB;
the table keeps the export in constant memory.
"""
from __future__ import annotations

import gzip
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from lexwatch import __version__
from lexwatch.article import Article, article_id
from lexwatch.urls import canonical_url

COPIED_TYPES = ("request", "response")
CHUNK = 1 << 20


@dataclass
class WarcStats:
    articles: int = 0
    captured: int = 0                 # selected articles with at least one response copied
    records: int = 0
    sources: list[str] = field(default_factory=list)


def warc_files(warc_dir: Path) -> list[Path]:
    """*.warc and *.warc.gz under warc_dir, skipping links that lead outside it."""
    root = warc_dir.resolve()
    found = []
    for path in sorted(warc_dir.rglob("*")):
        if path.name.endswith((".warc", ".warc.gz")) and path.is_file():
            if root in path.resolve().parents:
                found.append(path)
    return found


def _copy_bytes(src: BinaryIO, dst: BinaryIO, offset: int, length: int) -> None:
    src.seek(offset)
    while length > 0:
        chunk = src.read(min(CHUNK, length))
        if not chunk:
            raise OSError(f"{src.name} ended inside a record")
        dst.write(chunk)
        length -= len(chunk)


def _target_id(uri: str | None) -> str | None:
    if not uri:
        return None
    try:
        return article_id(canonical_url(uri.strip("<>")))
    except ValueError:
        return None


def write_warc(articles: Iterable[Article], fh: BinaryIO, warc_dir: Path, description: str) -> WarcStats:
    stats = WarcStats()
    with tempfile.TemporaryDirectory(prefix="lexwatch-warc-") as scratch:
        ids = sqlite3.connect(Path(scratch) / "ids.db")
        ids.execute("CREATE TABLE selected (id TEXT PRIMARY KEY, captured INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID")
        for article in articles:
            ids.execute("INSERT OR IGNORE INTO selected (id) VALUES (?)", (article.id,))
            stats.articles += 1
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(
            "lexwatch-export.warc.gz", {"software": f"lexwatch {__version__}", "description": description,
                                        "format": "WARC File Format 1.1"}))
        for path in warc_files(warc_dir):
            stats.sources.append(str(path))
            _copy_matching(path, fh, ids, stats)
        stats.captured = ids.execute("SELECT count(*) FROM selected WHERE captured").fetchone()[0]
        ids.close()
    return stats


def _copy_matching(path: Path, out: BinaryIO, ids: sqlite3.Connection, stats: WarcStats) -> None:
    with open(path, "rb") as stream, open(path, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
        records = ArchiveIterator(stream, no_record_parse=True)
        for record in records:
            if record.rec_type not in COPIED_TYPES:
                continue
            aid = _target_id(record.rec_headers.get_header("WARC-Target-URI"))
            if aid is None or ids.execute("SELECT 1 FROM selected WHERE id=?", (aid,)).fetchone() is None:
                continue
            offset, length = records.get_record_offset(), records.get_record_length()
            if compressed:
                _copy_bytes(raw, out, offset, length)
            else:   # the length excludes the record's closing CRLF CRLF; gzip it as a member of its own
                raw.seek(offset)
                out.write(gzip.compress(raw.read(length) + b"\r\n\r\n"))
            stats.records += 1
            if record.rec_type == "response":
                ids.execute("UPDATE selected SET captured=1 WHERE id=?", (aid,))
