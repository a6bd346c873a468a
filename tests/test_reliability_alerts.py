"""`lexwatch alerts run` while the mail server is down or drops the connection mid-message: the
run says so in one line and exits 1, nothing is marked sent, and the next run (the real server,
aiosmtpd, back on the same port) sends the digest exactly once."""
from __future__ import annotations

import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from lexwatch.alerts import Subscription, SubscriptionBook
from lexwatch.cli import main
from tests.corpus import corpus
from tests.test_alerts import CREATED, Mailbox, free_port


@pytest.fixture
def setup(sqlite_store, tmp_path, monkeypatch):
    sqlite_store.upsert(corpus())
    db = tmp_path / "alerts.db"
    with SubscriptionBook(db) as book:
        book.add(Subscription(name="deepfakes", query="deepfake OR дипфейк", recipients=["analyst@example.org"],
                              created_at=CREATED))
    port = free_port()
    for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "TLS": "none",
                       "FROM": "lexwatch@monitor.example.org"}.items():
        monkeypatch.setenv(f"LEXWATCH_SMTP_{key}", value)
    run = ["alerts", "run", "--store", sqlite_store.url, "--alerts-db", str(db)]
    return port, db, run


def last_sent(db) -> str | None:
    with SubscriptionBook(db) as book:
        return book.all()[0].last_sent_at


def then_the_server_is_back(port, db, run, capsys) -> None:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert main(run) == 0
        assert "deepfakes: sent, " in capsys.readouterr().out
        assert last_sent(db) is not None
        assert main(run) == 0 and "deepfakes: nothing new" in capsys.readouterr().out
    finally:
        controller.stop()
    assert len(box.received) == 1                     # once, not once per failed attempt


def test_mail_server_down_marks_nothing_and_the_next_run_sends_once(setup, capsys):
    port, db, run = setup                             # nothing listens on the port
    for _ in range(2):
        assert main(run) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("deepfakes: failed: cannot deliver via 127.0.0.1:")
        assert "refused" in err[0].lower()
        assert last_sent(db) is None
    then_the_server_is_back(port, db, run, capsys)


class DroppingServer:
    """A real TCP server that speaks SMTP up to DATA, reads part of the message and hangs up."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_server(("127.0.0.1", port))
        self.sessions = 0
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.sessions += 1
            reader = conn.makefile("rb")
            try:
                conn.sendall(b"220 flaky.example ESMTP\r\n")
                for line in reader:
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        conn.sendall(b"250-flaky.example\r\n250 8BITMIME\r\n")
                    elif verb == b"DATA":
                        conn.sendall(b"354 go ahead\r\n")
                        reader.read(200)             # part of the message, then the line goes dead
                        break
                    else:
                        conn.sendall(b"250 OK\r\n")
            finally:
                conn.shutdown(socket.SHUT_RDWR)
                reader.close()
                conn.close()

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)   # wakes the accept() above
        self.sock.close()
        self.thread.join(timeout=10)


def test_connection_dropped_mid_message_marks_nothing_and_the_next_run_sends_once(setup, capsys):
    port, db, run = setup
    flaky = DroppingServer(port)
    try:
        assert main(run) == 1
    finally:
        flaky.close()
    assert flaky.sessions == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot deliver via 127.0.0.1:" in err[0] and "closed" in err[0].lower()
    assert last_sent(db) is None
    then_the_server_is_back(port, db, run, capsys)
