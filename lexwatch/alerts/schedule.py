"""How often each subscription is e-mailed: as it happens, daily at a local time, or weekly.

Kept in the alerts file beside the subscriptions (table `schedules`; a subscription without a row
is daily at 08:00 UTC, what a daily cron of `lexwatch alerts run` gave). `lexwatch watch` asks,
after every poll, which subscriptions are due:
  as-it-happens  every poll (one digest per poll with whatever it stored that matches)
  daily          once the local time has passed `at` on a day whose slot was not handled yet
  weekly         likewise, on `weekday`
A slot counts as handled only when its run ended without failure (sent, or nothing new): a digest
the SMTP server did not take is tried again at the next poll. Exactly-once stays the runner's job:
the sent mark moves only after the server accepted the message (lexwatch/alerts/runner.py).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lexwatch.alerts.subscriptions import AlertsError

FREQUENCIES = ("as-it-happens", "daily", "weekly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SCHEMA = """CREATE TABLE IF NOT EXISTS schedules (subscription TEXT PRIMARY KEY
    REFERENCES subscriptions(name) ON DELETE CASCADE, frequency TEXT NOT NULL, at TEXT NOT NULL,
    weekday TEXT NOT NULL, tz TEXT NOT NULL, handled_slot TEXT)"""


@dataclass
class Schedule:
    frequency: str = "daily"
    at: str = "08:00"          # local time of day (daily, weekly)
    weekday: str = "mon"       # weekly
    tz: str = "UTC"            # IANA name, e.g. Asia/Baku
    handled_slot: str | None = None   # ISO instant of the last slot whose run ended without failure

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise AlertsError(f"frequency {self.frequency!r}: use one of {', '.join(FREQUENCIES)}")
        if self.weekday not in WEEKDAYS:
            raise AlertsError(f"weekday {self.weekday!r}: use one of {', '.join(WEEKDAYS)}")
        try:
            time.fromisoformat(self.at)
        except ValueError:
            raise AlertsError(f"time of day {self.at!r}: use HH:MM (24-hour clock)") from None
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise AlertsError(f"time zone {self.tz!r} is not an IANA name such as Asia/Baku") from None

    def describe(self) -> str:
        if self.frequency == "as-it-happens":
            return "as it happens"
        return f"{self.frequency} at {self.at}" + (f" on {self.weekday}" if self.frequency == "weekly" else "") \
            + f" ({self.tz})"

    def latest_slot(self, now: datetime) -> datetime | None:
        """The most recent scheduled moment at or before `now` (None for as-it-happens)."""
        if self.frequency == "as-it-happens":
            return None
        zone = ZoneInfo(self.tz)
        local = now.astimezone(zone)
        slot = datetime.combine(local.date(), time.fromisoformat(self.at), tzinfo=zone)
        if self.frequency == "daily":
            return slot if slot <= local else slot - timedelta(days=1)
        back = (local.weekday() - WEEKDAYS.index(self.weekday)) % 7
        slot -= timedelta(days=back)
        return slot if slot <= local else slot - timedelta(days=7)

    def due(self, now: datetime) -> bool:
        slot = self.latest_slot(now)
        if slot is None:
            return True
        return self.handled_slot is None or datetime.fromisoformat(self.handled_slot) < slot


class ScheduleBook:
    """The schedules table of an alerts file (opened through its SubscriptionBook's connection)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.db.execute(SCHEMA)

    def get(self, name: str) -> Schedule:
        row = self.db.execute("SELECT frequency, at, weekday, tz, handled_slot FROM schedules WHERE subscription=?",
                              (name,)).fetchone()
        return Schedule(*row) if row else Schedule()

    def set(self, name: str, schedule: Schedule) -> None:
        self.db.execute("INSERT OR REPLACE INTO schedules VALUES (?,?,?,?,?,?)",
                        (name, schedule.frequency, schedule.at, schedule.weekday, schedule.tz, schedule.handled_slot))

    def due(self, names: list[str], now: datetime | None = None) -> list[str]:
        now = now or datetime.now(timezone.utc)
        return [n for n in names if self.get(n).due(now)]

    def handled(self, name: str, now: datetime | None = None) -> None:
        """The run for the current slot ended without failure."""
        schedule = self.get(name)
        slot = schedule.latest_slot(now or datetime.now(timezone.utc))
        if slot is not None:
            schedule.handled_slot = slot.astimezone(timezone.utc).isoformat()
            self.set(name, schedule)
