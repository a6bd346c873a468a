"""The `lexwatch watch` loop: poll, crawl what is new, store, alert; sleep; again.

Each poll is one crawl of the due outlets in a child process (crawler/run.py's `crawl_command`:
Twisted's reactor cannot restart, and a child keeps a crash or a leak of one poll from the next),
with the discovery sources feeds and sitemaps only. What makes a poll cheap lives in the crawl
state the child reuses: conditional GET (ETag / Last-Modified; a 304 costs nothing more), sitemap
children whose lastmod has not moved are not asked for, stored articles are never fetched again,
robots.txt is reused for LEXWATCH_ROBOTS_TTL (an hour here). Politeness across polls: the crawler's
per-site delays and concurrency hold within a poll, `max_requests` caps a poll's responses per
outlet (CLOSESPIDER_PAGECOUNT; what is left stays in the durable frontier for the next poll), and
a Retry-After longer than the crawl will wait holds the outlet's next poll until then.

After the crawl returns its articles are searchable (the store pipeline makes them so), and the
subscriptions that are due get their digests (lexwatch/alerts/schedule.py). Stopping: SIGTERM or
SIGINT is passed to the crawl, which finishes the requests in flight, stores what it analysed and
leaves the rest in the crawl state's frontier; a digest being sent is finished and marked. A second
signal kills the crawl (its frontier and spool still lose nothing). A restart resumes from there.
"""
from __future__ import annotations

import ctypes
import fcntl
import json
import logging
import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lexwatch.watch.status import OutletStatus, WatchStatus, iso, status_path_for

log = logging.getLogger("lexwatch.watch")

DEFAULT_INTERVAL = 600          # seconds between polls of an outlet
FAILURES_BEFORE_REPORT = 3      # polls in a row that failed before the operator is told (once)
ROBOTS_TTL = 3600
MAX_REQUESTS = 300              # responses per outlet per poll
SOURCES = ["feeds", "sitemaps"]


@dataclass
class WatchConfig:
    store_url: str
    state_path: Path
    outlets: list[str]
    interval: float = DEFAULT_INTERVAL
    intervals: dict[str, float] = field(default_factory=dict)     # per outlet
    base_urls: dict[str, str] | None = None
    since: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)        # crawl setting overrides
    max_requests: int = MAX_REQUESTS
    log_file: str | None = None
    alerts_db: Path | None = None
    smtp: Any = None                 # SmtpSettings, or None: no digests are sent
    link_base_url: str = "http://127.0.0.1:8765"
    operator: list[str] = field(default_factory=list)             # addresses told about failing sites
    max_polls: int | None = None     # stop after this many polls (tests, benchmarks)

    def interval_of(self, outlet: str) -> float:
        return float(self.intervals.get(outlet, self.interval))


def _die_with_parent() -> None:   # Linux: a watch killed with SIGKILL takes its crawl with it
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Watcher:
    def __init__(self, config: WatchConfig) -> None:
        self.config = config
        self.status = WatchStatus(status_path_for(config.state_path))
        self.stop = threading.Event()
        self.signals = 0
        self.child: subprocess.Popen | None = None
        self.polls = 0

    # -- signals -------------------------------------------------------------------------------
    def _on_signal(self, signum, frame) -> None:
        self.signals += 1
        self.stop.set()
        child = self.child
        if child is not None and child.poll() is None:
            if self.signals == 1:
                log.warning("stopping (%s): the crawl finishes its requests in flight and stores what it has",
                            signal.Signals(signum).name)
                child.send_signal(signal.SIGTERM)
            else:
                log.warning("stopping at once: the crawl is killed (its frontier keeps what it had not stored)")
                child.kill()
        elif self.signals == 1:
            log.warning("stopping (%s)", signal.Signals(signum).name)

    def run(self) -> int:
        lock_path = self.status.path.with_name(self.status.path.name + ".lock")
        with open(lock_path, "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RuntimeError(f"another lexwatch watch uses {self.config.state_path}") from None
            previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
            try:
                self._loop()
            finally:
                for s, handler in previous.items():
                    signal.signal(s, handler)
                self.status.close()
        log.info("stopped")
        return 0

    def _loop(self) -> None:
        first = True
        while not self.stop.is_set():
            now = time.time()
            due = [o for o in self.config.outlets if self._due(o, now)]
            if due:
                self.poll(due)
            if not self.stop.is_set():
                self.alerts(polled=bool(due) or first)
            first = False
            if self.config.max_polls is not None and self.polls >= self.config.max_polls:
                break
            wake = min(self._next(o) for o in self.config.outlets)
            wait = max(0.0, wake - time.time())
            if wait:
                log.info("next poll at %s", iso(wake))
                # daily and weekly digests are checked at least every minute while idle
                while not self.stop.wait(min(wait, 60.0)):
                    wait = max(0.0, wake - time.time())
                    if not wait:
                        break
                    self.alerts(polled=False)

    def _next(self, outlet: str) -> float:
        s = self.status.get(outlet)
        return max(s.next_poll or 0.0, s.hold_until or 0.0)

    def _due(self, outlet: str, now: float) -> bool:
        return self._next(outlet) <= now

    # -- one poll ----------------------------------------------------------------------------------
    def poll(self, outlets: list[str]) -> dict[str, Any] | None:
        from lexwatch.crawler.run import child_env, crawl_command
        self.polls += 1
        started = time.time()
        log.info("poll %d: %s", self.polls, ", ".join(outlets))
        settings = {"LEXWATCH_STATE_PATH": str(self.config.state_path), "LEXWATCH_ROBOTS_TTL": ROBOTS_TTL,
                    "CLOSESPIDER_PAGECOUNT": self.config.max_requests,
                    # a longer Retry-After ends the poll for that site and holds its next poll instead
                    "LEXWATCH_RETRY_AFTER_MAX": min(60.0, self.config.interval_of(outlets[0])),
                    "LOG_LEVEL": "WARNING", **self.config.settings}
        with tempfile.TemporaryDirectory(prefix="lexwatch-watch-") as tmp:
            result_path = Path(tmp) / "stats.json"
            command = crawl_command(outlets, since=self.config.since, store_url=self.config.store_url,
                                    base_urls=self.config.base_urls, sources=SOURCES, settings=settings,
                                    log_file=self.config.log_file, result_path=str(result_path))
            # its own session: a Ctrl-C in the terminal reaches the watch, which passes it on once
            self.child = subprocess.Popen(command, env=child_env(), start_new_session=True,
                                          preexec_fn=_die_with_parent)
            code = self.child.wait()
            self.child = None
            stats = json.loads(result_path.read_text()) if code == 0 and result_path.exists() else None
        finished = time.time()
        for outlet in outlets:
            self._record(outlet, started, finished, code, (stats or {}).get("outlets", {}).get(outlet))
        return stats

    def _record(self, outlet: str, started: float, finished: float, code: int, stats: dict | None) -> None:
        s = self.status.get(outlet)
        s.polls += 1
        s.last_poll = iso(started)
        by_edition: dict[str, int] = {}
        if stats is None:
            stopped = self.stop.is_set()
            s.result, s.new_articles, s.errors = ("stopped" if stopped else "failed"), 0, 1
            s.detail = "stopped by a signal" if stopped else f"the crawl process exited with status {code}"
        else:
            by_edition = {k: int(v) for k, v in stats.get("stored_by_edition", {}).items()}
            s.new_articles = stats["articles_stored"] + stats["articles_updated"]
            s.errors = stats["errors"]
            answered = stats["pages_fetched"] > 0 and (s.new_articles or stats["not_modified"]
                                                      or stats["pages_fetched"] > s.errors)
            s.result = "ok" if not s.errors else ("errors" if answered else "failed")
            s.detail = (f"{stats['pages_fetched']} responses, {stats['not_modified']} not modified, "
                        f"{stats['spool_left']} waiting in the spool" if stats else "")
            until = stats.get("retry_after_until")
            s.hold_until = float(until) if until and float(until) > finished else None
            if s.hold_until:
                s.result = "held"
                log.warning("%s asked (Retry-After) not to be polled before %s", outlet, iso(s.hold_until))
        # a fixed rhythm from the poll's start (a long poll is followed at once, never overlapped)
        s.next_poll = started + self.config.interval_of(outlet)
        if s.result == "failed":
            s.failures_in_row += 1
            if s.failures_in_row >= FAILURES_BEFORE_REPORT and not s.reported:
                self.report_failing(outlet, s)
                s.reported = True
        elif s.result != "stopped":
            if s.reported:
                log.warning("%s answers again after %d failed poll(s)", outlet, s.failures_in_row)
            s.failures_in_row, s.reported = 0, False
        log.info("%s: %s, %d new, %d error(s)", outlet, s.result, s.new_articles, s.errors)
        self.status.put(s, by_edition if stats is not None else None)

    def report_failing(self, outlet: str, s: OutletStatus) -> None:
        """Once per run of failures: a log line at ERROR and, when configured, a mail to the operator."""
        text = (f"{outlet} has failed {s.failures_in_row} polls in a row (last: {s.detail}); lexwatch watch "
                f"keeps polling it every {self.config.interval_of(outlet):.0f} s and says so again only "
                f"after it has answered")
        log.error("%s", text)
        if self.config.operator and self.config.smtp is not None:
            from email.message import EmailMessage
            from email.utils import make_msgid
            from lexwatch.alerts.smtp import send
            message = EmailMessage()
            message["Subject"] = f"lexwatch watch: {outlet} is failing"
            message["From"] = self.config.smtp.sender
            message["To"] = ", ".join(self.config.operator)
            message["Message-ID"] = make_msgid(domain="lexwatch")
            message.set_content(text + "\n")
            try:
                send(self.config.smtp, message, self.config.operator)
            except Exception as exc:   # the log line stands; a mail problem must not stop the watch
                log.error("could not tell the operator by mail: %s", exc)

    # -- alerts ------------------------------------------------------------------------------------
    def alerts(self, polled: bool) -> None:
        """Digests of the due subscriptions: as-it-happens after every poll, daily and weekly at their
        slot. A slot is handled once its run ended without failure; a failed one is tried again."""
        if self.config.smtp is None or self.config.alerts_db is None or not Path(self.config.alerts_db).exists():
            return
        from lexwatch.alerts.runner import run_alerts
        from lexwatch.alerts.schedule import ScheduleBook
        from lexwatch.alerts.subscriptions import AlertsError, SubscriptionBook
        from lexwatch.index import open_store
        now = datetime.now(timezone.utc)
        try:
            with SubscriptionBook(self.config.alerts_db) as book:
                schedules = ScheduleBook(book.db)
                names = [s.name for s in book.all()
                         if schedules.get(s.name).frequency != "as-it-happens" or polled]
                due = schedules.due(names, now)
                if not due:
                    return
                with open_store(self.config.store_url) as store:
                    outcomes = run_alerts(store, book, self.config.smtp, names=due,
                                          base_url=self.config.link_base_url)
                for outcome in outcomes:
                    if outcome.status == "failed":
                        log.error("alerts %s: %s (tried again at the next poll)", outcome.subscription, outcome.detail)
                        continue
                    schedules.handled(outcome.subscription, now)
                    if outcome.status == "sent":
                        log.info("alerts %s: %d article(s) %s", outcome.subscription, outcome.articles, outcome.detail)
        except AlertsError as exc:   # another `alerts run` holds the book: the next poll tries again
            log.warning("alerts skipped: %s", exc)
        except Exception as exc:     # the store or the alerts file failing must not stop the watch
            log.error("alerts failed: %s", " ".join(str(exc).split())[:300])
