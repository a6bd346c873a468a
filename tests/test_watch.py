"""`lexwatch watch` over the replicas, for real: a watch process polls, crawls, stores and mails
digests through a real SMTP server (aiosmtpd); the replica publishes its next day; the process is
stopped (SIGTERM while idle, while crawling, while a digest is being sent; SIGKILL while crawling)
and started again, and in the end every article is stored once and alerted once."""
from __future__ import annotations

import asyncio
import email
import email.policy
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from lexwatch.alerts.schedule import Schedule
from lexwatch.article import article_id
from lexwatch.cli import main
from lexwatch.crawler.replicas import start_replicas
from lexwatch.crawler.run import child_env
from lexwatch.index.sqlite_store import SqliteStore
from lexwatch.urls import canonical_url
from tests.test_alerts import free_port
from tests.test_reliability_spool import hold_requests

OUTLET = "kursiv"
FAST = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]


class Mailbox:
    """aiosmtpd handler keeping what it accepted; `hold` makes DATA wait until it is cleared."""

    def __init__(self) -> None:
        self.received: list = []
        self.hold = threading.Event()
        self.waiting = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        while self.hold.is_set():
            self.waiting.set()
            await asyncio.sleep(0.05)
        self.received.append(envelope)
        return "250 2.0.0 queued"

    def messages(self):
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.received]

    def alerted(self) -> list[str]:
        """Article ids linked from the digests, one entry per digest that carried it."""
        out = []
        for message in self.messages():
            body = message.get_body(("plain",)).get_content()
            out += sorted(set(re.findall(r"/article/([0-9a-f]{16,64})", body)))
        return out


class World:
    def __init__(self, tmp_path: Path, replicas) -> None:
        self.tmp, self.replicas = tmp_path, replicas
        self.db = tmp_path / "lexwatch.db"
        self.store_url = f"sqlite:///{self.db}"
        self.alerts_db = tmp_path / "alerts.db"
        self.log = tmp_path / "watch.log"
        self.box = Mailbox()
        self.smtp_port = free_port()
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.smtp_port)
        self.controller.start()
        self.proc: subprocess.Popen | None = None
        SqliteStore(self.store_url).close()
        assert main(["alerts", "add", "everything", "--store", self.store_url, "--alerts-db", str(self.alerts_db),
                     "--to", "analyst@example.org", "--frequency", "as-it-happens"]) == 0

    def start(self, *extra: str, interval: float = 3) -> subprocess.Popen:
        command = [sys.executable, "-m", "lexwatch.cli", "watch", OUTLET, "--store", self.store_url,
                   "--alerts-db", str(self.alerts_db), "--interval", str(interval), "--log-file", str(self.log),
                   *FAST, *extra]
        for key, url in self.replicas.base_urls.items():
            command += ["--base-url", f"{key}={url}"]
        env = dict(child_env(), LEXWATCH_SMTP_HOST="127.0.0.1", LEXWATCH_SMTP_PORT=str(self.smtp_port),
                   LEXWATCH_SMTP_TLS="none", LEXWATCH_SMTP_FROM="lexwatch@monitor.example.org")
        self.mark = self.log.stat().st_size if self.log.exists() else 0
        self.proc = subprocess.Popen(command, env=env)
        return self.proc

    def log_since_start(self) -> str:
        return self.log.read_text(errors="replace")[self.mark:] if self.log.exists() else ""

    def wait(self, predicate, what: str, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert self.proc is None or self.proc.poll() is None, f"watch ended before {what}:\n{self.log_since_start()[-3000:]}"
            assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{self.log_since_start()[-3000:]}"
            time.sleep(0.1)

    def stop(self, sig=signal.SIGTERM, timeout: float = 300) -> int:
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        self.proc = None
        return code

    def expected(self) -> set[str]:
        return {article_id(canonical_url(e["url"])) for e in self.replicas.expected_articles(OUTLET)}

    def stored(self) -> set[str]:
        with SqliteStore(self.store_url) as store:
            return {a.id for a in store.iterate()}

    def sent(self) -> list[str]:
        with sqlite3.connect(self.alerts_db) as db:
            return [r[0] for r in db.execute("SELECT article_id FROM sent")]

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.controller.stop()

    def settle(self) -> None:
        """Run one poll to the end (nothing held back), then check: stored once, alerted once."""
        assert self.start("--max-polls", "1").wait(timeout=600) == 0, self.log_since_start()[-3000:]
        self.proc = None
        expected = self.expected()
        assert self.stored() == expected                                  # nothing lost
        sent = self.sent()
        assert sorted(sent) == sorted(expected)                           # each marked once
        alerted = self.box.alerted()
        assert sorted(alerted) == sorted(expected), "an article was mailed twice or never"
        ids = [m["Message-ID"] for m in self.box.messages()]
        assert len(ids) == len(set(ids))                                  # no digest sent twice


@pytest.fixture
def world(tmp_path):
    with start_replicas(outlets=[OUTLET]) as replicas:
        w = World(tmp_path, replicas)
        try:
            yield w
        finally:
            w.close()


def status_json(world) -> list[dict]:
    import json
    done = subprocess.run([sys.executable, "-m", "lexwatch.cli", "watch", OUTLET, "--store", world.store_url,
                           "--status", "--json"], env=child_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
def test_watch_polls_alerts_as_it_happens_and_restarts_with_nothing_lost(world):
    world.start()
    world.wait(lambda: len(world.box.received) >= 1, "the first digest")
    day1 = world.expected()
    assert world.stored() == day1                   # searchable when the poll's digest went out
    assert sorted(world.box.alerted()) == sorted(day1)
    assert f"{OUTLET}: ok, {len(day1)} new, 0 error(s)" in world.log_since_start()
    rows = status_json(world)
    assert {r["edition"] for r in rows} == {"ru", "kk", "en"}
    assert all(r["result"] == "ok" and r["last_poll"] and r["next_poll"] and not r["errors"] for r in rows)

    world.replicas.reset()
    world.wait(lambda: "poll 2:" in world.log_since_start(), "an idle poll")
    world.wait(lambda: "poll 3:" in world.log_since_start(), "an idle poll to end")
    idle = world.replicas.hits()
    assert not [h for h in idle if "/20" in h.path], "an idle poll fetched an article page"
    assert not [h for h in idle if h.path.endswith("robots.txt")], "robots.txt was not reused across polls"

    world.replicas.publish_day(2)                   # the next day's stories appear
    world.wait(lambda: len(world.box.received) >= 2, "a digest of the new day")
    new = world.expected() - day1
    assert new and set(world.box.alerted()[len(day1):]) == new
    assert world.stop() == 0                        # SIGTERM while idle
    assert "stopped" in world.log_since_start()
    world.settle()                                  # restarted: nothing lost, nothing twice


@pytest.mark.slow
def test_stopped_at_every_stage_then_restarted_nothing_is_lost_or_doubled(world):
    gate = hold_requests(world.replicas)

    # 1. SIGTERM while the crawl waits on the site: it finishes what is in flight, keeps the rest
    gate.clear()
    world.start()
    world.wait(lambda: "poll 1:" in world.log_since_start(), "a crawl started")
    time.sleep(5)                                   # its first requests wait on the site
    assert not world.replicas.hits()
    threading.Timer(2, gate.set).start()
    assert world.stop() == 0
    assert "stopping (SIGTERM)" in world.log_since_start()

    # 2. SIGKILL while crawling: the crawl dies with the watch; its durable frontier keeps the rest
    world.start("-s", "DOWNLOAD_DELAY=0.5", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    world.wait(lambda: len(world.stored()) > 0, "some articles stored")
    assert f"{OUTLET}: ok" not in world.log_since_start()   # the poll is still crawling
    assert world.stop(signal.SIGKILL) == -signal.SIGKILL

    # 3. SIGTERM while a digest is on the wire: the send finishes and is marked, then the watch stops
    world.box.hold.set()
    world.start()
    world.wait(world.box.waiting.is_set, "a digest being sent")
    proc = world.proc
    proc.send_signal(signal.SIGTERM)
    time.sleep(1)
    world.box.hold.clear()
    assert proc.wait(timeout=300) == 0
    world.proc = None
    assert len(world.box.received) == 1 and len(world.sent()) == len(set(world.box.alerted()))

    world.replicas.publish_day(2)
    world.settle()


def test_schedules_daily_and_weekly_slots():
    from datetime import datetime, timezone
    daily = Schedule("daily", "08:00", tz="Asia/Baku")          # 04:00 UTC
    before = datetime(2026, 3, 10, 3, 59, tzinfo=timezone.utc)
    after = datetime(2026, 3, 10, 4, 1, tzinfo=timezone.utc)
    daily.handled_slot = daily.latest_slot(before).astimezone(timezone.utc).isoformat()   # yesterday's slot
    assert not daily.due(before) and daily.due(after)
    daily.handled_slot = daily.latest_slot(after).isoformat()
    assert not daily.due(after)
    weekly = Schedule("weekly", "09:30", weekday="fri", tz="UTC")
    assert weekly.latest_slot(datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)) == \
        datetime(2026, 3, 6, 9, 30, tzinfo=timezone.utc)                                # the Friday before
    assert Schedule("as-it-happens").due(after)
    for bad in ({"frequency": "hourly"}, {"at": "25:00"}, {"tz": "Mars/Olympus"}, {"weekday": "someday"}):
        with pytest.raises(Exception, match="frequency|time of day|time zone|weekday"):
            Schedule(**bad)


@pytest.mark.slow
def test_a_failing_site_is_reported_once_not_at_every_poll(tmp_path):
    port = free_port()                                   # nothing listens there: every poll fails
    db = tmp_path / "lexwatch.db"
    log = tmp_path / "watch.log"
    command = [sys.executable, "-m", "lexwatch.cli", "watch", OUTLET, "--store", f"sqlite:///{db}", "--interval", "1",
               "--max-polls", "5", "--log-file", str(log), *FAST, "-s", "RETRY_TIMES=0"]
    for key in ("kursiv", "kursiv-uz"):
        command += ["--base-url", f"{key}=http://127.0.0.1:{port}"]
    assert subprocess.run(command, env=child_env(), timeout=900).returncode == 0
    text = log.read_text()
    assert text.count(f"{OUTLET}: failed") == 5
    assert text.count("has failed 3 polls in a row") == 1          # told once, at the third failure
    status = subprocess.run([sys.executable, "-m", "lexwatch.cli", "watch", OUTLET, "--store", f"sqlite:///{db}",
                             "--status"], env=child_env(), capture_output=True, text=True, timeout=120)
    assert status.returncode == 0 and status.stdout.count(" failed ") == 3   # one row per edition


@pytest.mark.slow
def test_retry_after_holds_the_next_poll(tmp_path):
    """A site answering 503 with Retry-After: 300 is not polled again before then, whatever the interval."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    hits: list[float] = []

    class Busy(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(time.time())
            self.send_response(503)
            self.send_header("Retry-After", "300")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    db, log = tmp_path / "lexwatch.db", tmp_path / "watch.log"
    command = [sys.executable, "-m", "lexwatch.cli", "watch", OUTLET, "--store", f"sqlite:///{db}", "--interval", "1",
               "--log-file", str(log), *FAST]
    for key in ("kursiv", "kursiv-uz"):
        command += ["--base-url", f"{key}=http://127.0.0.1:{server.server_address[1]}"]
    proc = subprocess.Popen(command, env=child_env())
    try:
        deadline = time.monotonic() + 600
        while "held" not in (log.read_text() if log.exists() else ""):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text() if log.exists() else ""
            time.sleep(0.2)
        first = len(hits)
        time.sleep(15)                                    # 15 intervals of 1 s
        assert len(hits) == first, "the site was polled again before its Retry-After"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        server.shutdown()
    status = subprocess.run([sys.executable, "-m", "lexwatch.cli", "watch", OUTLET, "--store", f"sqlite:///{db}",
                             "--status", "--json"], env=child_env(), capture_output=True, text=True, timeout=120)
    import json
    from datetime import datetime
    rows = json.loads(status.stdout)
    held = datetime.fromisoformat(rows[0]["held_until"]).timestamp()
    assert rows[0]["result"] == "held" and held > hits[0] + 250


def test_robots_txt_is_reused_within_its_ttl_and_fetched_again_after(tmp_path):
    from lexwatch.crawler.run import REPLICA_SETTINGS, crawl
    state = tmp_path / "state.db"
    settings = {**REPLICA_SETTINGS, "LEXWATCH_STATE_PATH": str(state), "LEXWATCH_ROBOTS_TTL": 3600}
    with start_replicas(outlets=[OUTLET]) as replicas:
        robots = lambda: sorted(h.site for h in replicas.hits() if h.path == "/robots.txt")   # noqa: E731
        crawl([OUTLET], store_url=f"sqlite:///{tmp_path}/a.db", base_urls=replicas.base_urls, settings=settings,
              sources=["feeds", "sitemaps"])
        assert robots() == ["kursiv", "kursiv-uz"]
        replicas.reset()
        crawl([OUTLET], store_url=f"sqlite:///{tmp_path}/a.db", base_urls=replicas.base_urls, settings=settings,
              sources=["feeds", "sitemaps"])
        assert robots() == []                                       # within the TTL: the stored copy
        with sqlite3.connect(state) as db:
            db.execute("UPDATE robots_cache SET fetched_at = fetched_at - 7200")
        crawl([OUTLET], store_url=f"sqlite:///{tmp_path}/a.db", base_urls=replicas.base_urls, settings=settings,
              sources=["feeds", "sitemaps"])
        assert robots() == ["kursiv", "kursiv-uz"]                  # older than the TTL: asked again
