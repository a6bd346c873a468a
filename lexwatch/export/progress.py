"""A one-line progress count on stderr, shown only when stderr is a terminal (never in cron mail or pipes)."""
from __future__ import annotations

import sys
import time
from typing import Iterable, Iterator, TextIO, TypeVar

T = TypeVar("T")
REDRAW_SECONDS = 0.25


def with_progress(items: Iterable[T], total: int, label: str, stream: TextIO | None = None) -> Iterator[T]:
    stream = stream or sys.stderr
    if not stream.isatty():
        yield from items
        return
    done, last = 0, 0.0
    try:
        for item in items:
            yield item
            done += 1
            now = time.monotonic()
            if now - last >= REDRAW_SECONDS:
                last = now
                share = f" {100 * done // total:3d}%" if total else ""
                stream.write(f"\r{label} {done:,}/{total:,}{share}")
                stream.flush()
    finally:
        stream.write(f"\r{label} {done:,}/{total:,} done\n" if done == total else "\n")
        stream.flush()
