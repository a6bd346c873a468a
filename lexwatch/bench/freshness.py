"""Freshness of `lexwatch watch`: how long from an article's publication until search finds it and
until a digest carries it, and what an idle poll costs each site.

The replica sites (tests/replicas) are rebuilt with one extra publishing day per generated story
(days 3, 4, …; each story has a page per edition of its site); while a real `lexwatch watch`
process polls them every `interval` seconds, the stories are published one at a time at random
moments (`ReplicaHandle.publish_day`). A monitor reads the store (SQLite, through `iterate`, the
search path) and a real SMTP server (aiosmtpd) every half second and notes when each new page's
article is first found and first mailed. Before that, with nothing changing, every request the
sites answer over a few polls is counted: requests per hour per site, and per poll against the
feeds and sitemaps the site publishes (lexwatch.watch.sources).
Goals (the continuous-monitoring issue): p95 publication -> searchable and -> alert within one poll
interval + 30 s; an idle poll at most one request per feed or sitemap.
"""
from __future__ import annotations

import contextlib
import io
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

FAST = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
FIRST_NEW_DAY = 3


def build_replicas(workdir: Path, stories: int, seed: int) -> Path:
    """The replicas with days 1-2 as they are and one generated story on each of the days 3, 4, …"""
    from lexwatch.bench.replica_day import DATE, _story, replica_root, rotation
    from lexwatch.crawler.replicas import REPLICA_ROOT
    last = FIRST_NEW_DAY + stories - 1
    root = replica_root(workdir, last_day=last)
    rng = random.Random(seed)
    extra: dict[str, list[str]] = {}
    units = rotation()
    for number in range(stories):
        day = FIRST_NEW_DAY + number
        unit = units[number % len(units)]
        text = _story(rng, 9000 + number, unit)
        text = text.replace(f"day = {FIRST_NEW_DAY}\n", f"day = {day}\n")
        on = (date.fromisoformat(DATE) + timedelta(days=day - FIRST_NEW_DAY)).isoformat()
        extra.setdefault(unit.outlet, []).append(text.replace(DATE, on))
    for outlet in sorted({unit.outlet for unit in units}):   # the outlets the stories rotate over
        (root / outlet).mkdir()
        stories_toml = (REPLICA_ROOT / outlet / "stories.toml").read_text(encoding="utf-8")
        (root / outlet / "stories.toml").write_text(stories_toml + "".join(extra.get(outlet, [])), encoding="utf-8")
    subprocess.run([sys.executable, str(root / "build.py")], cwd=root, check=True, capture_output=True)
    return root


class Mailbox:
    """aiosmtpd handler noting when each article id was first mailed."""

    def __init__(self) -> None:
        self.first: dict[str, float] = {}

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",)).get_content()
        now = time.time()
        for found in re.findall(r"/article/([0-9a-f]{24})", body):
            self.first.setdefault(found, now)
        return "250 2.0.0 queued"


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def bench_freshness(interval: float = 30, stories: int = 6, idle_polls: int = 3, seed: int = 11,
                    progress=lambda msg: None) -> dict[str, Any]:
    from aiosmtpd.controller import Controller

    from lexwatch.article import article_id
    from lexwatch.cli import main as cli
    from lexwatch.crawler.replicas import start_replicas
    from lexwatch.crawler.run import child_env
    from lexwatch.index.sqlite_store import SqliteStore
    from lexwatch.urls import canonical_url
    from lexwatch.watch.sources import poll_targets

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="lexwatch-freshness-") as tmp:
        work = Path(tmp)
        progress(f"freshness: building replicas with {stories} publishing moments …")
        root = build_replicas(work, stories, seed)
        store_url, alerts_db, log = f"sqlite:///{work}/lexwatch.db", work / "alerts.db", work / "watch.log"
        SqliteStore(store_url).close()
        with contextlib.redirect_stdout(io.StringIO()):   # its "added …" line is not the bench's output
            cli(["alerts", "add", "everything", "--store", store_url, "--alerts-db", str(alerts_db),
                 "--to", "analyst@example.org", "--frequency", "as-it-happens"])
        box = Mailbox()
        with socket_port() as smtp_port:
            pass
        controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        with start_replicas(root=root, day=FIRST_NEW_DAY - 1) as replicas:
            replicated = sorted({site.outlet for site in replicas.sites.values()})   # never a live site
            command = [sys.executable, "-m", "lexwatch.cli", "watch", *replicated, "--store", store_url, "--alerts-db",
                       str(alerts_db), "--interval", str(interval), "--log-file", str(log), *FAST]
            for key, url in replicas.base_urls.items():
                command += ["--base-url", f"{key}={url}"]
            env = dict(child_env(), LEXWATCH_SMTP_HOST="127.0.0.1", LEXWATCH_SMTP_PORT=str(smtp_port),
                       LEXWATCH_SMTP_TLS="none", LEXWATCH_SMTP_FROM="lexwatch@bench.example.org")
            proc = subprocess.Popen(command, env=env)
            seen: dict[str, float] = {}
            stop = threading.Event()

            def monitor() -> None:
                while not stop.wait(0.5):
                    try:
                        with SqliteStore(store_url) as store:
                            now = time.time()
                            for a in store.iterate():
                                seen.setdefault(a.id, now)
                    except Exception:   # the store may be mid-write; the next look sees it
                        continue
            watcher = threading.Thread(target=monitor, daemon=True)
            try:
                progress("freshness: the first poll crawls the replicas' days 1-2 …")
                _wait_log(log, "poll 2:", proc, 1800)
                watcher.start()
                # idle: nothing changes for `idle_polls` polls; every request the sites answer counts
                _wait_log(log, "next poll at", proc, 600, after=log.read_text().rfind("poll 2:"))
                replicas.reset()
                idle_started = time.time()
                text = log.read_text()
                polls_before = text.count("INFO: poll ")
                progress(f"freshness: {idle_polls} idle polls …")
                while log.read_text().count("next poll at") < text.count("next poll at") + idle_polls:
                    assert proc.poll() is None, "watch ended"
                    time.sleep(0.5)
                idle_seconds = time.time() - idle_started
                idle_hits = replicas.hits()
                polls = log.read_text().count("INFO: poll ") - polls_before
                # publishing: one story at a time, at random moments
                published: dict[str, float] = {}
                for day in range(FIRST_NEW_DAY, FIRST_NEW_DAY + stories):
                    time.sleep(rng.uniform(0, 1.5 * interval))
                    replicas.publish_day(day)
                    moment = time.time()
                    for entry in replicas.manifest():
                        if entry["day"] == day:
                            published[article_id(canonical_url(entry["url"]))] = moment
                    progress(f"freshness: published day {day} ({sum(1 for t in published.values() if t == moment)} "
                             f"page(s))")
                deadline = time.time() + 3 * interval + 300
                while time.time() < deadline and not all(i in seen and i in box.first for i in published):
                    assert proc.poll() is None, "watch ended"
                    time.sleep(0.5)
            finally:
                stop.set()
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        proc.wait(timeout=300)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                controller.stop()
        searchable = [seen[i] - t for i, t in published.items() if i in seen]
        alerted = [box.first[i] - t for i, t in published.items() if i in box.first]
        per_site: dict[str, dict[str, Any]] = {}
        for outlet in replicated:
            for target in poll_targets(outlet):
                site = per_site.setdefault(target.site, {"targets": 0, "requests": 0})
                site["targets"] += 1
        for hit in idle_hits:
            per_site.setdefault(hit.site, {"targets": 0, "requests": 0})["requests"] += 1
        for site in per_site.values():
            site["per_hour"] = round(site["requests"] * 3600 / idle_seconds, 1)
            site["per_poll"] = round(site["requests"] / max(polls, 1), 2)
        return {"interval": interval, "pages": len(published), "searchable_found": len(searchable),
                "alerted_found": len(alerted),
                "searchable_p50": _percentile(searchable, 0.5), "searchable_p95": _percentile(searchable, 0.95),
                "alert_p50": _percentile(alerted, 0.5), "alert_p95": _percentile(alerted, 0.95),
                "idle_polls": polls, "idle_seconds": round(idle_seconds, 1), "idle_sites": per_site,
                "idle_not_modified": sum(1 for h in idle_hits if h.status == 304),
                "idle_requests": len(idle_hits)}


class socket_port:
    """A free TCP port on 127.0.0.1 (bound, then released for the server that takes it)."""

    def __enter__(self) -> int:
        import socket
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc) -> None:
        self.sock.close()


def _wait_log(log: Path, text: str, proc, timeout: float, after: int = 0) -> None:
    deadline = time.time() + timeout
    while text not in (log.read_text()[after:] if log.exists() else ""):
        if proc.poll() is not None:
            raise RuntimeError(f"lexwatch watch ended (status {proc.returncode}) before {text!r}")
        if time.time() > deadline:
            raise RuntimeError(f"lexwatch watch: no {text!r} within {timeout:.0f} s")
        time.sleep(0.5)


if __name__ == "__main__":
    import json
    print(json.dumps(bench_freshness(progress=lambda m: print(m, file=sys.stderr, flush=True)), indent=1))


def rows(row, progress) -> list[dict[str, Any]]:
    """The freshness rows of BENCHMARKS.md (`row` is lexwatch.bench.report's row builder)."""
    m = bench_freshness(progress=progress)
    interval, goal = m["interval"], m["interval"] + 30
    scale = f"{m['pages']} pages published at random moments, poll every {interval:.0f} s"
    out = []
    for key, label in (("searchable", "publication → searchable p95"), ("alert", "publication → alert p95")):
        p95, p50 = m[f"{key}_p95"], m[f"{key}_p50"]
        found = m["searchable_found" if key == "searchable" else "alerted_found"]
        out.append(row(f"freshness: {label}", scale, p95, interval, "s", f"≤ interval + 30 s ({goal:.0f} s)",
                       p95 is not None and found == m["pages"] and p95 <= goal, absolute=True,
                       note=f"p50 {p50 if p50 is None else round(p50)} s; {found} of {m['pages']} found; "
                            f"baseline = the poll interval"))
    sites = m["idle_sites"]
    worst = max((s["per_poll"] / s["targets"] for s in sites.values() if s["targets"]), default=0.0)
    per_hour = ", ".join(f"{k} {s['per_hour']:.0f}" for k, s in sorted(sites.items()))
    out.append(row("freshness: idle requests per feed/sitemap per poll", f"{m['idle_polls']} polls with nothing new",
                   round(worst, 2), 1.0, "requests", "≤ 1 per feed or sitemap", worst <= 1.0, absolute=True,
                   note=f"requests per hour per site: {per_hour}; {m['idle_requests']} requests "
                        f"({m['idle_not_modified']} × 304) in {m['idle_seconds']:.0f} s; robots.txt reused"))
    return out
