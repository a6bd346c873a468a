"""`lexwatch alerts run`: per subscription, find what newly matches, send one digest, then mark it.

Why a lookback: fetched_at is set when a page is fetched, but the article reaches the store a
little later (the pipeline, a batch upsert, Elasticsearch's refresh). An article fetched just
before the last digest's newest one could arrive after that digest went out; looking back
LOOKBACK before the high-water mark finds it, and the sent-id record keeps the overlap from
being sent twice.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from lexwatch.index.store import Store
from lexwatch.alerts.developments import find_developments, stage_changes_only
from lexwatch.alerts.digest import DEFAULT_BASE_URL, build_digest
from lexwatch.alerts.smtp import DeliveryError, SmtpSettings, describe_refusals, send
from lexwatch.alerts.subscriptions import Subscription, SubscriptionBook, instant
from lexwatch.article import Article

LOOKBACK = timedelta(hours=24)
MAX_ITEMS = 200   # a digest stays readable; the rest follow in the next one, nothing is dropped


@dataclass
class DigestOutcome:
    subscription: str
    status: str                      # sent | written | nothing new | failed
    articles: int = 0
    held_back: int = 0
    detail: str = ""                 # where it went, or why it failed
    refused: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status == "failed" or bool(self.refused)

    def to_dict(self) -> dict:
        return {"subscription": self.subscription, "status": self.status, "articles": self.articles,
                "held_back": self.held_back, "detail": self.detail,
                "refused": {k: {"code": c, "message": m} for k, (c, m) in self.refused.items()}}


@dataclass
class Matches:
    articles: list[Article]
    held_back: int = 0
    earliest_held: datetime | None = None     # fetched_at of the earliest match left for later


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def look_from(sub: Subscription, since: str | None) -> datetime:
    """Where this run starts looking: --since as asked (a backfill; sent ids keep it from repeating),
    else the creation floor on the first run, else the high-water mark less the lookback."""
    if since:
        return instant(since)
    floor = instant(sub.floor)
    if sub.high_water is None:
        return floor
    return max(floor, instant(sub.high_water) - LOOKBACK)


def find_matches(store: Store, book: SubscriptionBook, sub: Subscription, start: datetime,
                 max_items: int = MAX_ITEMS) -> Matches:
    filters = dataclasses.replace(sub.filters, fetched_from=_utc(start))
    found = Matches([])
    for article in store.iterate(sub.query, filters):     # streamed: a backfill may match thousands
        if book.was_sent(sub.name, article.id):
            continue
        if len(found.articles) < max_items:
            found.articles.append(article)
            continue
        found.held_back += 1
        fetched = instant(article.fetched_at)      # present: fetched_from matched it
        found.earliest_held = min(found.earliest_held or fetched, fetched)
    return found


def new_high_water(sub: Subscription, found: Matches) -> str | None:
    """The newest fetched_at sent, but never past a match still waiting, so the next look finds it."""
    sent = [instant(a.fetched_at) for a in found.articles if a.fetched_at]
    if not sent:
        return sub.high_water
    mark = max(sent)
    if found.earliest_held is not None:
        return _utc(min(mark, found.earliest_held))
    if sub.high_water is not None:
        mark = max(mark, instant(sub.high_water))
    return _utc(mark)


def run_alerts(store: Store, book: SubscriptionBook, smtp: SmtpSettings | None, *, since: str | None = None,
               send_empty: bool = False, dry_run_dir: str | Path | None = None,
               base_url: str = DEFAULT_BASE_URL, names: list[str] | None = None,
               max_items: int = MAX_ITEMS) -> list[DigestOutcome]:
    """One outcome per subscription; a failure in one never stops the others."""
    subs = book.all()
    if names:
        subs = [s for s in subs if s.name in names]
    outcomes = []
    with book.exclusive_run():
        for sub in subs:
            try:
                outcomes.append(_run_one(store, book, smtp, sub, since, send_empty, dry_run_dir, base_url, max_items))
            except DeliveryError as exc:
                outcomes.append(DigestOutcome(sub.name, "failed", detail=str(exc)))
    return outcomes


def _run_one(store, book, smtp, sub, since, send_empty, dry_run_dir, base_url, max_items) -> DigestOutcome:
    start = look_from(sub, since)
    found = find_matches(store, book, sub, start, max_items)
    developments = find_developments(store, found.articles)
    matched = found.articles            # all are marked sent; a stage-changes digest shows only new steps
    if sub.stage_changes_only:
        found = dataclasses.replace(found, articles=stage_changes_only(
            developments, found.articles, lambda i: book.was_sent(sub.name, i), sub.instruments))
    outcome = DigestOutcome(sub.name, "nothing new", len(found.articles), found.held_back)
    if not found.articles and not send_empty:
        return outcome
    sender = (smtp or SmtpSettings()).sender
    message = build_digest(sub, found.articles, held_back=found.held_back, sender=sender, base_url=base_url,
                           developments=developments)
    if dry_run_dir is not None:   # a preview: nothing is marked, the next real run sends the same
        path = Path(dry_run_dir)
        path.mkdir(parents=True, exist_ok=True)
        name = f"{sub.name}-{datetime.now().strftime('%Y%m%dT%H%M%S')}.eml"
        (path / name).write_bytes(message.as_bytes())
        outcome.status, outcome.detail = "written", str(path / name)
        return outcome
    if smtp is None:
        raise DeliveryError("no SMTP settings")
    outcome.refused = send(smtp, message, sub.recipients)
    # Accepted for at least one recipient: from here on a crash would resend (same Message-ID).
    floor = sub.floor if since is None else _utc(min(instant(sub.floor), start))
    book.record_sent(sub, [a.id for a in matched], message["Message-ID"],
                     new_high_water(sub, dataclasses.replace(found, articles=matched)), floor)
    accepted = [r for r in sub.recipients if r not in outcome.refused]
    outcome.status, outcome.detail = "sent", "to " + ", ".join(accepted)
    if outcome.refused:
        outcome.detail += "; refused: " + describe_refusals(outcome.refused)
    return outcome
