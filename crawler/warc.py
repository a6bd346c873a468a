"""Raw capture: article responses (with their requests) as WARC records, and reading them back.

Files rotate at a size limit and each run starts its own file, so a killed crawl can only leave
its last record truncated; `read_responses` stops at such a record and reports it. A write that
fails (a full disk) is undone to the end of the last whole record and raised as WarcWriteError, so
a file under its final name never ends in half a record.
Extension fields Lexwatch-Outlet / Lexwatch-Site / Lexwatch-Edition say which section a page was
fetched for, so `lexwatch reprocess` needs nothing but the WARC files.
"""
from __future__ import annotations

import gzip
import io
import logging
import os
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)
# The body is stored decoded, so headers describing the wire encoding would lie about it.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class WarcWriteError(OSError):
    """A record could not be written (no space, I/O error); the file keeps only whole records."""


class RotatingWarcWriter:
    def __init__(self, directory: str | Path, prefix: str, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix, self.max_bytes = prefix, max_bytes
        self.stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        self.sequence = 0
        self.fh = None
        self.writer: WARCWriter | None = None
        self.files: list[Path] = []

    def _open(self) -> None:
        self.close()
        name = f"{self.prefix}-{self.stamp}-{os.getpid()}-{self.sequence:05d}.warc.gz"
        self.sequence += 1
        path = self.directory / name
        self.fh = open(path, "wb", buffering=0)   # unbuffered: a failed write is undone exactly
        self.files.append(path)
        self.writer = WARCWriter(self.fh, gzip=True)
        info = self.writer.create_warcinfo_record(name, {"software": "lexwatch crawler (Scrapy, warcio)",
                                                         "format": "WARC File Format 1.1"})
        try:
            self._append([info])
        except WarcWriteError:
            self.fh.close()
            self.fh = self.writer = None
            self.files.remove(path)
            path.unlink(missing_ok=True)   # it held nothing yet
            raise

    def _append(self, records) -> None:
        """Write whole records or nothing: each record is serialised in memory (one gzip member),
        then appended; on failure the file is cut back to where it was."""
        buffer = io.BytesIO()
        staging = WARCWriter(buffer, gzip=True)
        for record in records:
            staging.write_record(record)
        data = memoryview(buffer.getvalue())
        start = self.fh.tell()
        try:
            while data:
                written = self.fh.write(data)
                data = data[written:]
        except OSError as exc:
            try:
                os.ftruncate(self.fh.fileno(), start)
                self.fh.seek(start)
            except OSError:
                pass
            error = WarcWriteError(f"cannot write WARC file {self.fh.name}: {exc.strerror or exc}")
            error.errno = exc.errno
            raise error from None

    def write(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes,
              request_headers: list[tuple[str, str]], fetched_at: str, extra: dict[str, str]) -> None:
        if self.writer is None or self.fh.tell() >= self.max_bytes:
            self._open()
        reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "OK"
        kept = [(k, v) for k, v in headers if k.lower() not in _WIRE_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        warc_date = fetched_at.replace("+00:00", "Z")
        common = {"WARC-Date": warc_date, **{f"Lexwatch-{k.title()}": v for k, v in extra.items() if v}}
        response = self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), warc_headers_dict=dict(common),
            http_headers=StatusAndHeaders(f"{status} {reason}", kept, protocol="HTTP/1.1"))
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        request = self.writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""),
            warc_headers_dict={**common, "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")},
            http_headers=StatusAndHeaders(f"GET {target or '/'} HTTP/1.1",
                                          [("Host", parts.netloc), *request_headers], is_http_request=True))
        self._append([response, request])

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
        self.fh = self.writer = None


@dataclass
class CapturedResponse:
    url: str
    status: int
    body: bytes
    content_type: str | None
    fetched_at: str | None
    outlet: str | None
    site: str | None
    edition: str | None
    file: str


def warc_files(directory: str | Path) -> list[Path]:
    return sorted(p for p in Path(directory).rglob("*.warc*") if p.is_file())


def _intact(path: Path) -> bool:
    """warcio ends quietly at a truncated gzip member; gzip itself notices."""
    if not path.name.endswith(".gz"):
        return True
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except (EOFError, OSError, zlib.error):
        return False
    return True


def read_responses(directory: str | Path, problems: list[str] | None = None) -> Iterator[CapturedResponse]:
    """Every response record under `directory`, file by file in name order (= capture order)."""
    for path in warc_files(directory):
        if not _intact(path):
            logger.warning("%s is truncated (a killed crawl?): reading the records before the damage", path.name)
            if problems is not None:
                problems.append(f"{path.name}: truncated")
        try:
            with open(path, "rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type != "response":
                        continue
                    head = record.rec_headers
                    http = record.http_headers
                    yield CapturedResponse(
                        url=head.get_header("WARC-Target-URI"),
                        status=int(http.get_statuscode() or 0) if http else 0,
                        body=record.content_stream().read(),
                        content_type=http.get_header("Content-Type") if http else None,
                        fetched_at=(head.get_header("WARC-Date") or "").replace("Z", "+00:00") or None,
                        outlet=head.get_header("Lexwatch-Outlet"),
                        site=head.get_header("Lexwatch-Site"),
                        edition=head.get_header("Lexwatch-Edition"),
                        file=path.name)
        except Exception as exc:  # a crawl killed mid-write leaves a truncated last record
            logger.warning("%s: stopped reading at a damaged record (%s)", path.name, exc)
            if problems is not None:
                problems.append(f"{path.name}: {exc}")
