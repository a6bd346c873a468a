"""JobdirGuard: make Scrapy's JOBDIR safe to reuse after a crash.

Scrapy saves its request queue and the 'seen' fingerprints of a JOBDIR only on a clean stop; after
SIGKILL they are stale or half-written, and reusing them can lose requests. The guard marks a
JOBDIR as in use while a crawl runs; finding the mark of a dead process at start, it discards
that queue state and lets the crawl state (crawler/state.py: pending articles, open listing
pages) resume the work instead. A clean stop (Ctrl-C once, or the end) keeps the JOBDIR intact.
Setting: JOBDIR (off without it).
"""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)
MARK = "lexwatch.running"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobdirGuard:
    def __init__(self, jobdir: Path) -> None:
        self.jobdir = jobdir
        self.mark = jobdir / MARK
        jobdir.mkdir(parents=True, exist_ok=True)
        if self.mark.exists():
            try:
                pid = int(self.mark.read_text().strip() or 0)
            except ValueError:
                pid = 0
            if pid and pid != os.getpid() and _alive(pid):
                raise RuntimeError(f"JOBDIR {jobdir} is in use by running process {pid}")
            self.discard_queue_state()
        self.mark.write_text(str(os.getpid()))

    @classmethod
    def from_crawler(cls, crawler):
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        guard = cls(Path(jobdir))
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def discard_queue_state(self) -> None:
        logger.warning("JOBDIR %s was left by a killed crawl: discarding its request queue; pending "
                       "articles and listing pages resume from the crawl state", self.jobdir)
        shutil.rmtree(self.jobdir / "requests.queue", ignore_errors=True)
        for name in ("requests.seen", "spider.state"):
            (self.jobdir / name).unlink(missing_ok=True)

    def spider_closed(self, spider, reason):
        self.mark.unlink(missing_ok=True)
