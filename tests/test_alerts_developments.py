"""Digests of developments (lexwatch.alerts.developments): one entry per development with its
language versions as links, a first "stage changes" section, and stage-changes-only subscriptions;
delivered to a real SMTP server (aiosmtpd), on both stores."""
from __future__ import annotations

import pytest

from lexwatch.alerts import Subscription, SubscriptionBook, run_alerts
from lexwatch.article import Article
from lexwatch.cli import main
from lexwatch.developments.step import attach
from lexwatch.index.store import Filters
from tests.developments_data import replica_articles, replica_story
from tests.test_alerts import CREATED, mailbox  # noqa: F401  (the SMTP fixture)

BEFORE_SIGNATURE = {"report/ai-forgery-criminal-liability", "report/deepfake-amendments-first-reading",
                    "report/deepfake-law-third-reading"}


def _store(store, articles, fetched_at):
    batch = []
    for a in articles:
        copy = Article.from_dict(a.to_dict())
        copy.fetched_at = fetched_at
        batch.append(copy)
    store.upsert(batch)
    attach(store, batch)


@pytest.fixture
def book(tmp_path):
    with SubscriptionBook(tmp_path / "alerts.db") as b:
        yield b


def test_digest_lists_developments_with_their_versions_and_stage_changes_first(store, book, mailbox):
    az = [a for a in replica_articles() if a.deepfake["relevant"] and "AZ" in a.deepfake["jurisdictions"]]
    _store(store, [a for a in az if replica_story(a.id) in BEFORE_SIGNATURE], "2026-05-20T08:00:00+00:00")
    book.add(Subscription(name="az", filters=Filters(jurisdictions=["AZ"], relevant=True),
                          recipients=["analyst@example.org"], created_at=CREATED))
    [first] = run_alerts(store, book, mailbox.settings, base_url="https://lexwatch.example.org")
    assert first.status == "sent" and first.articles == 9
    plain = mailbox.messages()[0].get_body(("plain",)).get_content()
    entries = [line for line in plain.splitlines() if line.startswith("* ") and " → " not in line
               and "new:" not in line]
    assert len(entries) == 3                                    # 9 articles, 3 developments
    assert plain.count("  az: Original ") == 3 and plain.count("  ru: Original ") == 3

    _store(store, [a for a in az if replica_story(a.id) == "report/president-signs-deepfake-law"],
           "2026-06-11T08:00:00+00:00")
    [second] = run_alerts(store, book, mailbox.settings, base_url="https://lexwatch.example.org")
    assert second.status == "sent" and second.articles == 2
    msg = mailbox.messages()[1]
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert plain.index("== Stage changes ==") < plain.index("== Azerbaijan (AZ) ==")
    assert "* Azerbaijan (AZ), Criminal Code: adopted → signed (2026-06-10)" in plain
    assert "Stage changes</h2>" in html and "adopted → signed" in html
    assert plain.count("In lexwatch https://lexwatch.example.org/article/") == 2   # az and en versions, one entry


def test_stage_changes_only_subscription(store, book, mailbox, tmp_path, capsys):
    kz = [a for a in replica_articles() if a.deepfake["relevant"] and "KZ" in a.deepfake["jurisdictions"]]
    first_half = [a for a in kz if a.published_at < "2025-11-18"]
    _store(store, first_half, "2025-11-17T20:00:00+00:00")
    db = str(tmp_path / "alerts.db")
    assert main(["alerts", "add", "ai-law", "--to", "analyst@example.org", "--country", "KZ", "--stage-changes-only",
                 "--instrument", "Жасанды интеллект туралы заң", "--alerts-db", db, "--store", store.url]) == 0
    assert main(["alerts", "add", "bad", "--to", "a@example.org", "--instrument", "AI law", "--alerts-db", db]) == 1
    assert "goes with --stage-changes-only" in capsys.readouterr().err
    with SubscriptionBook(db) as subs:
        [sub] = subs.all()
        assert sub.stage_changes_only and sub.instruments == ["law-on-artificial-intelligence"]
        run_alerts(store, subs, mailbox.settings, since="2025-01-01T00:00:00+00:00")
        plain = mailbox.messages()[0].get_body(("plain",)).get_content()
        assert "Law on Artificial Intelligence: new: reading 1" in plain
        assert "Criminal Code" not in plain                      # another instrument
        # Kursiv's report of the signature a day later: the same development, not a new stage
        _store(store, [a for a in kz if a.published_at[:10] == "2025-11-18"], "2025-11-18T20:00:00+00:00")
        [outcome] = run_alerts(store, subs, mailbox.settings)
        assert outcome.status == "nothing new" and len(mailbox.messages()) == 1
