"""Dates the crawler sees before it fetches an article: listing datelines, feed and sitemap dates.

They only steer discovery (date window, pagination stop, refetch of updated pages); the stored
publication date is the NLP extractor's. A date without an offset is the outlet's local time.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

# Month names as printed in listing datelines: az, ru (nominative and genitive), kk, en.
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "yanvar": 1, "fevral": 2, "mart": 3, "aprel": 4, "iyun": 6, "iyul": 7, "avqust": 8,
    "sentyabr": 9, "oktyabr": 10, "noyabr": 11, "dekabr": 12,
    "январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6, "июль": 7,
    "август": 8, "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12,
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
    "қаңтар": 1, "ақпан": 2, "наурыз": 3, "сәуір": 4, "мамыр": 5, "маусым": 6, "шілде": 7,
    "тамыз": 8, "қыркүйек": 9, "қазан": 10, "қараша": 11, "желтоқсан": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"(\d{{1,2}})\s+({_MONTH_ALT})[a-zа-яәөүұқғіһ]*\.?,?\s+(\d{{4}})", re.I)
_NUMERIC = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{2})-(\d{2})")
_CLOCK = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def tz_of(offset: str) -> timezone:
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def parse_dateline(text: str, offset: str) -> datetime | None:
    """'21 fevral, 2026 19:22', '14:23 12 March, 2026', '06.07.2025' -> aware local datetime."""
    text = " ".join((text or "").split())
    if not text:
        return None
    day = month = year = None
    m = _DAY_MONTH_YEAR.search(text)
    if m:
        day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    else:
        n = _NUMERIC.search(text)
        if n and n.group(1):
            day, month, year = int(n.group(1)), int(n.group(2)), int(n.group(3))
        elif n:
            year, month, day = int(n.group(4)), int(n.group(5)), int(n.group(6))
    if year is None:
        return None
    clock = _CLOCK.search(text)
    hour, minute = (int(clock.group(1)), int(clock.group(2))) if clock else (0, 0)
    try:
        return datetime(year, month, day, hour, minute, tzinfo=tz_of(offset))
    except ValueError:
        return None


def parse_machine_date(value: str | None, offset: str) -> datetime | None:
    """W3C (sitemaps, Atom) or RFC 822 (RSS) date -> aware datetime; local zone when none given."""
    value = (value or "").strip()
    if not value:
        return None
    if _ISO.match(value):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=tz_of(offset))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz_of(offset))


def local_day(moment: datetime, offset: str) -> date:
    return moment.astimezone(tz_of(offset)).date()


def parse_day(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value.strip()[:10]) if value.strip() else None


class Window:
    """Inclusive publication-day window in the outlet's local time; open ends are None."""

    def __init__(self, since: str | date | None, until: str | date | None, offset: str) -> None:
        self.since, self.until, self.offset = parse_day(since), parse_day(until), offset
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since {self.since} is after until {self.until}")

    def before(self, moment: datetime | None) -> bool:
        return bool(moment and self.since and local_day(moment, self.offset) < self.since)

    def after(self, moment: datetime | None) -> bool:
        return bool(moment and self.until and local_day(moment, self.offset) > self.until)

    def contains(self, moment: datetime | None) -> bool:
        return not self.before(moment) and not self.after(moment)

    def days(self, today: date) -> list[date]:
        """Every day of the window, newest first, the open end bounded by `today`."""
        last = min(self.until or today, today)
        first = self.since or last
        return [last - timedelta(days=i) for i in range((last - first).days + 1)]
