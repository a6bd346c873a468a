"""Alert digests delivered to a real SMTP server (aiosmtpd on 127.0.0.1), read back and parsed."""
from __future__ import annotations

import email
import email.policy
import json
import socket
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller

from lexwatch.alerts import SmtpSettings, Subscription, SubscriptionBook, run_alerts
from lexwatch.penalties import penalties_short
from lexwatch.article import Article
from lexwatch.cli import main
from lexwatch.index.store import Filters
from tests.corpus import corpus

CORPUS_FETCHED = "2026-03-10T08:00:00+00:00"   # every corpus article's fetched_at
CREATED = "2026-03-01T00:00:00+00:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that keeps what it accepted and can refuse recipients or DATA."""

    def __init__(self) -> None:
        self.received: list = []
        self.refuse: set[str] = set()
        self.data_failures: list[str] = []     # replies to give the next DATA commands, in order

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_failures:
            return self.data_failures.pop(0)
        self.received.append(envelope)
        return "250 2.0.0 queued"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.received]


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.settings = SmtpSettings(host="127.0.0.1", port=controller.port, tls="none",
                                sender="lexwatch@monitor.example.org")
    yield box
    controller.stop()


@dataclass
class Setup:
    store: object
    book: SubscriptionBook

    def add(self, name="deepfakes-az", query="", recipients=("analyst@example.org",), lang="en", **filters):
        sub = Subscription(name=name, query=query, filters=Filters(**filters), recipients=list(recipients),
                           digest_language=lang, created_at=CREATED)
        self.book.add(sub)
        return sub


@pytest.fixture
def setup(store, tmp_path):
    """Both stores: fetched_from must select the same new articles on each."""
    store.upsert(corpus())
    book = SubscriptionBook(tmp_path / "alerts.db")
    yield Setup(store, book)
    book.close()


def later_article(fetched_at: str, slug: str = "azerbaijan-adopts-deepfake-law") -> Article:
    return Article(url=f"https://report.az/en/milli-majlis/{slug}", outlet="report", edition="en", language="en",
                   title="Milli Majlis adopts deepfake amendments in third reading",
                   body="The Milli Majlis adopted amendments to the Criminal Code on deepfakes in the third reading.",
                   published_at="2026-03-20T12:00:00+04:00", fetched_at=fetched_at,
                   deepfake={"relevant": True, "stage": "adopted", "jurisdictions": ["AZ"],
                             "penalties": [{"kind": "fine", "min": 3000, "max": 7000, "unit": "AZN"},
                                           {"kind": "imprisonment", "min": None, "max": 3, "unit": "years"}]})


def test_digest_has_both_parts_grouped_with_links_and_encoded_text(setup, mailbox):
    setup.add(query="deepfake OR дипфейк OR cərimə", jurisdictions=["AZ"], relevant=True,
              recipients=["analyst@example.org", "lead@example.org"])
    [outcome] = run_alerts(setup.store, setup.book, mailbox.settings, base_url="https://lexwatch.example.org/")
    assert outcome.status == "sent" and outcome.articles == 4 and not outcome.failed

    [envelope] = mailbox.received
    assert envelope.mail_from == "lexwatch@monitor.example.org"
    assert envelope.rcpt_tos == ["analyst@example.org", "lead@example.org"]
    envelope.content.decode("ascii")      # 7-bit clean on the wire: every non-ASCII byte is encoded
    [msg] = mailbox.messages()
    assert msg["Subject"].startswith("lexwatch «deepfakes-az»: 4 new articles, 20")
    assert msg["To"] == "analyst@example.org, lead@example.org"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()

    az_title = "Şəxsin razılığı olmadan süni intellektlə görüntü yaradılmasına görə cinayət məsuliyyəti"
    ru_title = "В Азербайджане подделка голоса и фото с помощью ИИ будет уголовно наказуема"
    by_title = {a.title: a for a in corpus()}
    for title in (az_title, ru_title):
        art = by_title[title]
        assert title in plain and title in html
        assert art.url in plain and f'href="{art.url}"' in html
        assert f"https://lexwatch.example.org/article/{art.id}" in plain
        assert f'href="https://lexwatch.example.org/article/{art.id}"' in html
    assert "Report · 2026-01-31 · proposal · fine 3,000–7,000 AZN" in plain
    # country, then stage in legislative order; the AZ+KZ article is under both countries
    assert plain.index("== Azerbaijan (AZ) ==") < plain.index("-- proposal --") < plain.index("-- committee --") \
        < plain.index("== Kazakhstan (KZ) ==")
    assert plain.count("Kazakhstan and Azerbaijan discuss joint rules") == 2
    assert html.index("<h2") < html.index("Azerbaijan (AZ)") < html.index("Kazakhstan (KZ)")


def test_russian_digest_subject_and_penalties(setup, mailbox):
    setup.store.upsert([later_article("2026-03-20T09:00:00+00:00")])
    setup.add(query="deepfake", lang="ru", stages=["adopted"])
    run_alerts(setup.store, setup.book, mailbox.settings)
    [msg] = mailbox.messages()
    assert msg["Subject"].startswith("lexwatch «deepfakes-az»: 1 новая статья, ")
    plain = msg.get_body(("plain",)).get_content()
    assert "== Азербайджан (AZ) ==" in plain and "-- принят --" in plain
    assert "штраф 3\u00a0000–7\u00a0000 AZN; лишение свободы до 3 лет" in plain


def test_penalties_in_each_digest_language():
    fine = {"kind": "fine", "min": None, "max": 100, "unit": "MRP"}
    prison = {"kind": "imprisonment", "min": 1, "max": 1, "unit": "years"}
    months = {"kind": "correctional_labour", "min": 2, "max": 24, "unit": "months"}
    assert penalties_short([fine, prison, months], "en") == \
        "fine up to 100 MRP; prison 1 year; correctional labour 2–24 months"
    assert penalties_short([fine, prison, months], "ru") == \
        "штраф до 100 MRP; лишение свободы 1 год; исправительные работы 2–24 месяца"
    assert penalties_short([{"kind": "imprisonment", "max": 21, "unit": "years", "min": None}], "ru") == \
        "лишение свободы до 21 года"
    assert penalties_short([fine, {"kind": "imprisonment", "min": None, "max": 3, "unit": "years"}], "az") == \
        "cərimə ən çoxu 100 MRP; azadlıqdan məhrumetmə ən çoxu 3 il"


def test_next_run_sends_only_what_is_new_and_nothing_twice(setup, mailbox):
    setup.add(query="deepfake OR дипфейк", jurisdictions=["AZ"])
    assert run_alerts(setup.store, setup.book, mailbox.settings)[0].articles == 3
    setup.store.upsert([later_article("2026-03-20T09:00:00+00:00")])
    second = run_alerts(setup.store, setup.book, mailbox.settings)[0]
    assert (second.status, second.articles) == ("sent", 1)
    assert "Milli Majlis adopts deepfake amendments" in mailbox.messages()[1].get_body(("plain",)).get_content()
    third = run_alerts(setup.store, setup.book, mailbox.settings)[0]
    assert (third.status, third.articles) == ("nothing new", 0)
    assert len(mailbox.received) == 2


def test_article_stored_late_with_an_earlier_fetch_time_is_still_sent(setup, mailbox):
    """The pipeline stores an article minutes after it was fetched: a digest may have gone out in between."""
    setup.add(query="deepfake", jurisdictions=["AZ"], stages=["adopted"])
    setup.store.upsert([later_article("2026-03-20T09:00:00+00:00")])
    run_alerts(setup.store, setup.book, mailbox.settings)
    setup.store.upsert([later_article("2026-03-20T08:55:00+00:00", slug="signed-deepfake-amendments")])
    outcome = run_alerts(setup.store, setup.book, mailbox.settings)[0]
    assert (outcome.status, outcome.articles) == ("sent", 1)
    assert "signed-deepfake-amendments" in mailbox.messages()[1].get_body(("plain",)).get_content()


def test_server_refusing_data_marks_nothing_then_next_run_sends_once(setup, mailbox):
    setup.add(query="deepfake OR дипфейк", jurisdictions=["AZ"])
    mailbox.data_failures = ["451 4.3.0 Temporary local problem, try again later"]
    [failed] = run_alerts(setup.store, setup.book, mailbox.settings)
    assert failed.status == "failed" and "451" in failed.detail
    assert mailbox.received == []
    assert setup.book.all()[0].last_sent_at is None

    [sent] = run_alerts(setup.store, setup.book, mailbox.settings)
    assert (sent.status, sent.articles) == ("sent", 3)
    assert run_alerts(setup.store, setup.book, mailbox.settings)[0].status == "nothing new"
    assert len(mailbox.received) == 1


def test_permanent_refusal_then_acceptance(setup, mailbox):
    setup.add(query="deepfake OR дипфейк", jurisdictions=["AZ"])
    mailbox.data_failures = ["550 5.7.1 Message rejected as spam"]
    assert run_alerts(setup.store, setup.book, mailbox.settings)[0].failed
    assert [o.status for o in run_alerts(setup.store, setup.book, mailbox.settings)] == ["sent"]
    assert len(mailbox.received) == 1
    assert run_alerts(setup.store, setup.book, mailbox.settings)[0].status == "nothing new"


def test_refused_recipient_is_reported_others_receive_and_other_subscriptions_go_on(setup, mailbox, tmp_path,
                                                                                    capsys, monkeypatch):
    mailbox.refuse = {"gone@example.org", "nobody@example.org"}
    setup.add(name="a-team", query="deepfake", recipients=["analyst@example.org", "gone@example.org",
                                                           "lead@example.org"])
    setup.add(name="b-nobody", query="deepfake", recipients=["nobody@example.org"])
    setup.add(name="c-kz", query="дипфейк", jurisdictions=["KZ"], recipients=["kz@example.org"])
    setup.book.close()
    for key, value in {"HOST": "127.0.0.1", "PORT": str(mailbox.settings.port), "TLS": "none",
                       "FROM": "lexwatch@monitor.example.org"}.items():
        monkeypatch.setenv(f"LEXWATCH_SMTP_{key}", value)

    status = main(["alerts", "run", "--store", setup.store.url, "--alerts-db", str(tmp_path / "alerts.db")])
    out, err = capsys.readouterr()
    assert status == 1
    assert "gone@example.org (550 5.1.1 <gone@example.org>: mailbox unavailable)" in err
    assert "b-nobody: failed: every recipient refused: nobody@example.org (550" in err
    assert "c-kz: sent, 2 article(s) to kz@example.org" in out
    assert sorted(tuple(e.rcpt_tos) for e in mailbox.received) == [
        ("analyst@example.org", "lead@example.org"), ("kz@example.org",)]

    # the team's digest counts as sent (two got it); the fully refused one waits for the next run
    again = main(["alerts", "run", "--store", setup.store.url, "--alerts-db", str(tmp_path / "alerts.db"), "--json"])
    assert again == 1 and len(mailbox.received) == 2


def test_no_match_sends_nothing_unless_asked(setup, mailbox):
    setup.add(query="blockchain", jurisdictions=["AZ"])
    assert run_alerts(setup.store, setup.book, mailbox.settings)[0].status == "nothing new"
    assert mailbox.received == []
    [outcome] = run_alerts(setup.store, setup.book, mailbox.settings, send_empty=True)
    assert outcome.status == "sent"
    [msg] = mailbox.messages()
    assert msg["Subject"].startswith("lexwatch «deepfakes-az»: 0 new articles")
    assert "No new articles matched since the last digest." in msg.get_body(("plain",)).get_content()


def test_a_large_backlog_is_split_across_digests_without_loss(setup, mailbox):
    setup.add(query="deepfake OR дипфейк OR cərimə")
    first = run_alerts(setup.store, setup.book, mailbox.settings, max_items=3)[0]
    assert (first.articles, first.held_back) == (3, 4)
    assert "4 more matching articles will follow" in mailbox.messages()[0].get_body(("plain",)).get_content()
    counts = [run_alerts(setup.store, setup.book, mailbox.settings, max_items=3)[0].articles for _ in range(3)]
    assert counts == [3, 1, 0]
    per_digest = [{line.rsplit("/", 1)[1] for line in m.get_body(("plain",)).get_content().splitlines()
                   if "/article/" in line} for m in mailbox.messages()]
    assert [len(ids) for ids in per_digest] == [3, 3, 1]
    assert len(set().union(*per_digest)) == 7       # every match once, none in two digests


def test_since_reaches_before_creation_and_dry_run_marks_nothing(setup, tmp_path):
    setup.add(query="deepfake OR дипфейк")
    sub = setup.book.all()[0]
    sub.floor = "2026-04-01T00:00:00+00:00"    # created after the corpus was fetched
    setup.book.db.execute("UPDATE subscriptions SET floor=?", (sub.floor,))
    assert run_alerts(setup.store, setup.book, None, dry_run_dir=tmp_path / "eml")[0].status == "nothing new"
    [outcome] = run_alerts(setup.store, setup.book, None, since="2026-03-01", dry_run_dir=tmp_path / "eml")
    assert outcome.status == "written" and outcome.articles == 6
    [eml] = (tmp_path / "eml").glob("deepfakes-az-*.eml")
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert "6 new articles" in msg["Subject"]
    assert setup.book.all()[0].last_sent_at is None


def test_cli_add_list_remove(tmp_path, capsys, sqlite_store):
    db = str(tmp_path / "alerts.db")
    assert main(["alerts", "add", "kz-ru", "--query", "дипфейк", "--country", "KZ", "--until", "2026-12-31",
                 "--to", "a@example.org,b@example.org", "--lang-of-digest", "ru", "--alerts-db", db,
                 "--store", sqlite_store.url]) == 0
    capsys.readouterr()
    assert main(["alerts", "list", "--json", "--alerts-db", db]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["filters"] == {"jurisdictions": ["KZ"], "date_to": "2026-12-31"}
    assert listed["recipients"] == ["a@example.org", "b@example.org"] and listed["digest_language"] == "ru"
    assert main(["alerts", "add", "bad", "--to", "a@example.org\r\nBcc: x@evil.org", "--alerts-db", db]) == 1
    assert main(["alerts", "add", "../escape", "--to", "a@example.org", "--alerts-db", db]) == 1
    assert main(["alerts", "remove", "kz-ru", "--alerts-db", db]) == 0
    assert main(["alerts", "remove", "kz-ru", "--alerts-db", db]) == 1
    assert "no subscription named 'kz-ru'" in capsys.readouterr().err


def test_smtp_settings_from_file_and_environment(tmp_path):
    conf = tmp_path / "smtp.toml"
    conf.write_text('[smtp]\nhost = "mail.example.org"\ntls = "ssl"\nuser = "lexwatch"\npassword = "from-file"\n'
                    'from = "alerts@example.org"\n', encoding="utf-8")
    s = SmtpSettings.load(conf, environ={"LEXWATCH_SMTP_PASSWORD": "s3cret-pw"})
    assert (s.host, s.port, s.tls, s.user, s.sender) == ("mail.example.org", 465, "ssl", "lexwatch", "alerts@example.org")
    assert s.password == "s3cret-pw" and "s3cret-pw" not in repr(s)
    with pytest.raises(Exception, match="tls must be one of"):
        SmtpSettings.load(environ={"LEXWATCH_SMTP_TLS": "yes"})
    with pytest.raises(Exception, match="must be ASCII"):
        SmtpSettings.load(environ={"LEXWATCH_SMTP_USER": "u", "LEXWATCH_SMTP_PASSWORD": "pässword"})


def test_overlapping_runs_are_refused(setup, mailbox):
    setup.add(query="deepfake")
    with setup.book.exclusive_run():
        with pytest.raises(Exception, match="another `lexwatch alerts run` is using"):
            run_alerts(setup.store, setup.book, mailbox.settings)
    assert mailbox.received == []
    assert run_alerts(setup.store, setup.book, mailbox.settings)[0].status == "sent"
