"""Digests over STARTTLS and implicit TLS with a login, against aiosmtpd with a throw-away certificate;
the password must reach the server and never the user's terminal."""
from __future__ import annotations

import datetime as dt
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from lexwatch.alerts import Subscription, SubscriptionBook
from lexwatch.cli import main
from tests.corpus import corpus
from tests.test_alerts import CREATED, Mailbox, free_port

PASSWORD = "pa55-w0rd:with spaces"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


def check_login(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"lexwatch" and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)   # handled=False: aiosmtpd replies 535 itself


# Implicit TLS wraps the server's socket, which aiosmtpd cannot see, so it warns that AUTH is allowed
# without STARTTLS; the login does travel encrypted (the test's point).
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_login_over_tls_delivers_and_never_prints_the_password(mode, certificate, sqlite_store, tmp_path,
                                                               monkeypatch, capsys):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box = Mailbox()
    # aiosmtpd counts only STARTTLS as TLS when deciding to offer AUTH, so implicit TLS needs auth_require_tls off
    tls = ({"tls_context": context, "require_starttls": True} if mode == "starttls"
           else {"ssl_context": context, "auth_require_tls": False})
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), authenticator=check_login,
                            auth_required=True, **tls)
    controller.start()
    try:
        sqlite_store.upsert(corpus())
        with SubscriptionBook(tmp_path / "alerts.db") as book:
            book.add(Subscription(name="kz", query="дипфейк", recipients=["kz@example.org"], created_at=CREATED))
        env = {"HOST": "127.0.0.1", "PORT": str(controller.port), "TLS": mode, "USER": "lexwatch",
               "PASSWORD": PASSWORD, "FROM": "lexwatch@monitor.example.org", "CAFILE": str(cert)}
        for k, v in env.items():
            monkeypatch.setenv(f"LEXWATCH_SMTP_{k}", v)
        argv = ["alerts", "run", "--store", sqlite_store.url, "--alerts-db", str(tmp_path / "alerts.db")]
        assert main(argv) == 0
        assert len(box.received) == 1

        book_path = tmp_path / "alerts.db"
        with SubscriptionBook(book_path) as book:
            book.add(Subscription(name="kz2", query="дипфейк", recipients=["kz@example.org"], created_at=CREATED))
        monkeypatch.setenv("LEXWATCH_SMTP_PASSWORD", "wrong " + PASSWORD)
        assert main(argv + ["--debug"]) == 1          # even with --debug: the failure is reported, not raised
        out, err = capsys.readouterr()
        assert "kz2: failed: server said 535" in err
        assert PASSWORD not in out + err
        assert len(box.received) == 1
    finally:
        controller.stop()


def test_untrusted_certificate_is_refused(certificate, sqlite_store, tmp_path, monkeypatch, capsys):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True)
    controller.start()
    try:
        sqlite_store.upsert(corpus())
        with SubscriptionBook(tmp_path / "alerts.db") as book:
            book.add(Subscription(name="kz", query="дипфейк", recipients=["kz@example.org"], created_at=CREATED))
        for k, v in {"HOST": "127.0.0.1", "PORT": str(controller.port), "TLS": "starttls"}.items():
            monkeypatch.setenv(f"LEXWATCH_SMTP_{k}", v)
        assert main(["alerts", "run", "--store", sqlite_store.url, "--alerts-db", str(tmp_path / "alerts.db")]) == 1
        assert "CERTIFICATE_VERIFY_FAILED" in capsys.readouterr().err
        assert box.received == []
    finally:
        controller.stop()
