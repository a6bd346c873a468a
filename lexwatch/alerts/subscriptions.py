"""Subscriptions and what each has already been sent, in a small SQLite file of their own.

Kept apart from the article store so alerts work the same over SQLite and Elasticsearch, and so a
store rebuilt from scratch does not resend anything: the record of sent article ids lives here.

Delivery state per subscription:
  floor       fetched_at instant before which nothing is ever sent (creation time, or an earlier
              --since that was used for a successful send)
  high_water  latest fetched_at among the articles sent (held lower while matches wait for a later
              digest), so the next run only looks at articles fetched since then (minus a lookback)
  sent        every article id sent, so an article seen again by an overlapping look is never resent
Both move in one transaction, and only after the SMTP server accepted the message.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parseaddr
from pathlib import Path
from typing import Iterable, Iterator

from lexwatch.index.store import Filters, parse_bound

SCHEMA_VERSION = 1
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")   # also used in .eml file names
SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    name TEXT PRIMARY KEY, query TEXT NOT NULL, filters TEXT NOT NULL, recipients TEXT NOT NULL,
    digest_language TEXT NOT NULL, created_at TEXT NOT NULL, floor TEXT NOT NULL,
    high_water TEXT, last_sent_at TEXT);
CREATE TABLE IF NOT EXISTS sent (
    subscription TEXT NOT NULL REFERENCES subscriptions(name) ON DELETE CASCADE,
    article_id TEXT NOT NULL, message_id TEXT NOT NULL, sent_at TEXT NOT NULL,
    PRIMARY KEY (subscription, article_id)) WITHOUT ROWID;
-- subscriptions that want only stage changes (new developments), optionally of chosen instruments
CREATE TABLE IF NOT EXISTS stage_change_subscriptions (
    name TEXT PRIMARY KEY REFERENCES subscriptions(name) ON DELETE CASCADE, instruments TEXT NOT NULL);
"""


class AlertsError(Exception):
    """A subscription problem worth one line to the user (bad name, unknown subscription, bad address)."""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def instant(value: str) -> datetime:
    """An ISO instant (a bare day means its start in UTC), for comparing fetched_at values."""
    moment = parse_bound(value)
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def describe_filters(filters: Filters, sep: str = ", ") -> str:
    """'jurisdictions=AZ,KZ, relevant=True' for listings and digest headers."""
    return sep.join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in filters.to_dict().items())


def check_recipients(addresses: Iterable[str]) -> list[str]:
    out = []
    for raw in addresses:
        address = raw.strip()
        # parseaddr tolerates garbage; CR/LF would be header injection, so refuse anything unusual
        if not address:
            continue
        if parseaddr(address)[1] != address or address.count("@") != 1 or re.search(r"[\s<>,;]", address):
            raise AlertsError(f"{raw!r} is not a plain e-mail address (name@example.org)")
        out.append(address)
    if not out:
        raise AlertsError("at least one recipient address is needed (--to a@b.org[,c@d.org])")
    return out


@dataclass
class Subscription:
    name: str
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    recipients: list[str] = field(default_factory=list)
    digest_language: str = "en"
    created_at: str = field(default_factory=utc_now)
    floor: str = ""
    high_water: str | None = None
    last_sent_at: str | None = None
    stage_changes_only: bool = False                       # only new developments on named instruments
    instruments: list[str] = field(default_factory=list)   # instrument keys (empty: all)

    def __post_init__(self) -> None:
        self.floor = self.floor or self.created_at

    def to_dict(self) -> dict:
        return {"name": self.name, "query": self.query, "filters": self.filters.to_dict(),
                "recipients": self.recipients, "digest_language": self.digest_language,
                "created_at": self.created_at, "high_water": self.high_water, "last_sent_at": self.last_sent_at,
                "stage_changes_only": self.stage_changes_only, "instruments": self.instruments}


def alerts_db_path(store_url: str | None, override: str | None = None) -> Path:
    """`alerts.db` beside an SQLite store; ./data/alerts.db for Elasticsearch (no directory of its own)."""
    explicit = override or os.environ.get("LEXWATCH_ALERTS_DB")
    if explicit:
        return Path(explicit)
    from lexwatch.index.store import store_directory
    return store_directory(store_url) / "alerts.db"


class SubscriptionBook:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=10000")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise AlertsError(f"{self.path} has schema {version}, newer than this lexwatch")
            self.db.executescript(SCHEMA + f"PRAGMA user_version={SCHEMA_VERSION};")
        except sqlite3.DatabaseError as exc:
            raise AlertsError(f"{self.path} is not a usable alerts file: {exc}") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "SubscriptionBook":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def exclusive_run(self) -> Iterator[None]:
        """Two overlapping runs (a slow one and the next cron start) would both send the same digest."""
        with open(self.path.with_name(self.path.name + ".lock"), "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise AlertsError(f"another `lexwatch alerts run` is using {self.path}") from None
            yield

    def add(self, sub: Subscription) -> None:
        if not NAME.match(sub.name):
            raise AlertsError(f"subscription name {sub.name!r}: use letters, digits, '.', '_' or '-' (max 64)")
        sub.recipients = check_recipients(sub.recipients)
        try:
            self.db.execute("INSERT INTO subscriptions VALUES (?,?,?,?,?,?,?,?,?)",
                            (sub.name, sub.query, json.dumps(sub.filters.to_dict(), ensure_ascii=False),
                             json.dumps(sub.recipients), sub.digest_language, sub.created_at, sub.floor,
                             sub.high_water, sub.last_sent_at))
            if sub.stage_changes_only:
                self.db.execute("INSERT INTO stage_change_subscriptions VALUES (?,?)",
                                (sub.name, json.dumps(sub.instruments)))
        except sqlite3.IntegrityError:
            raise AlertsError(f"a subscription named {sub.name!r} exists; remove it first") from None

    def remove(self, name: str) -> bool:
        return self.db.execute("DELETE FROM subscriptions WHERE name=?", (name,)).rowcount > 0

    def all(self) -> list[Subscription]:
        rows = self.db.execute("SELECT * FROM subscriptions ORDER BY name").fetchall()
        stage_only = dict(self.db.execute("SELECT name, instruments FROM stage_change_subscriptions").fetchall())
        return [Subscription(name=r[0], query=r[1], filters=Filters.from_dict(json.loads(r[2])),
                             recipients=json.loads(r[3]), digest_language=r[4], created_at=r[5], floor=r[6],
                             high_water=r[7], last_sent_at=r[8], stage_changes_only=r[0] in stage_only,
                             instruments=json.loads(stage_only.get(r[0], "[]"))) for r in rows]

    def was_sent(self, name: str, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM sent WHERE subscription=? AND article_id=?",
                               (name, article_id)).fetchone() is not None

    def record_sent(self, sub: Subscription, article_ids: Iterable[str], message_id: str,
                    high_water: str | None, floor: str) -> None:
        """After the server accepted the digest: its articles, the new marks and the send time, at once."""
        now = utc_now()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("INSERT OR IGNORE INTO sent VALUES (?,?,?,?)",
                                [(sub.name, aid, message_id, now) for aid in article_ids])
            self.db.execute("UPDATE subscriptions SET high_water=?, floor=?, last_sent_at=? WHERE name=?",
                            (high_water, floor, now, sub.name))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        sub.high_water, sub.floor, sub.last_sent_at = high_water, floor, now
