"""Sending a digest over SMTP with smtplib.

Settings, environment over file (`--smtp-config FILE`, a TOML file with an [smtp] table):
  LEXWATCH_SMTP_HOST      host            (default localhost)
  LEXWATCH_SMTP_PORT      port            (default 465 for ssl, 587 for starttls, 25 for none)
  LEXWATCH_SMTP_TLS       tls             starttls | ssl | none (default starttls)
  LEXWATCH_SMTP_USER      user            log in only when set
  LEXWATCH_SMTP_PASSWORD  password        never printed: kept out of repr and of every message
  LEXWATCH_SMTP_FROM      from            From: header and envelope sender; bounces return there
  LEXWATCH_SMTP_CAFILE    cafile          a private CA bundle for the relay's certificate
"""
from __future__ import annotations

import os
import smtplib
import ssl
import tomllib
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Mapping

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
TIMEOUT_SECONDS = 60
ENV_KEYS = {"host": "LEXWATCH_SMTP_HOST", "port": "LEXWATCH_SMTP_PORT", "tls": "LEXWATCH_SMTP_TLS",
            "user": "LEXWATCH_SMTP_USER", "password": "LEXWATCH_SMTP_PASSWORD", "from": "LEXWATCH_SMTP_FROM",
            "cafile": "LEXWATCH_SMTP_CAFILE"}


class SmtpConfigError(Exception):
    """The SMTP settings cannot be used as given."""


class DeliveryError(Exception):
    """The server did not take the digest for any recipient; nothing was delivered."""


@dataclass
class SmtpSettings:
    host: str = "localhost"
    port: int | None = None
    tls: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "lexwatch@localhost"
    cafile: str | None = None

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise SmtpConfigError(f"SMTP tls must be one of {', '.join(TLS_MODES)}, not {self.tls!r}")
        self.port = int(self.port) if self.port else DEFAULT_PORTS[self.tls]
        if self.user and self.password is None:
            raise SmtpConfigError("SMTP user is set but no password (LEXWATCH_SMTP_PASSWORD)")
        if not (self.user or "").isascii() or not (self.password or "").isascii():
            # smtplib encodes AUTH as ASCII; say so now rather than fail at the first digest
            raise SmtpConfigError("SMTP user and password must be ASCII for smtplib's AUTH")

    @classmethod
    def load(cls, config_file: str | Path | None = None,
             environ: Mapping[str, str] | None = None) -> "SmtpSettings":
        values: dict[str, object] = {}
        if config_file:
            try:
                values.update(tomllib.loads(Path(config_file).read_text(encoding="utf-8")).get("smtp", {}))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise SmtpConfigError(f"cannot read SMTP settings from {config_file}: {exc}") from None
        env = os.environ if environ is None else environ
        values.update({key: env[name] for key, name in ENV_KEYS.items() if env.get(name)})
        unknown = set(values) - set(ENV_KEYS)
        if unknown:
            raise SmtpConfigError(f"unknown SMTP setting(s): {', '.join(sorted(unknown))}")
        if "from" in values:
            values["sender"] = values.pop("from")
        try:
            return cls(**values)  # type: ignore[arg-type]
        except ValueError:
            raise SmtpConfigError(f"SMTP port must be a number, not {values.get('port')!r}") from None


def send(settings: SmtpSettings, message: EmailMessage, recipients: list[str]) -> dict[str, tuple[int, str]]:
    """Deliver to the server; return the recipients it refused while accepting others.

    Raises DeliveryError when nothing was accepted (connection, TLS, login, sender, every recipient,
    or the message itself refused), so the caller marks nothing sent.
    """
    context = ssl.create_default_context(cafile=settings.cafile)
    try:
        if settings.tls == "ssl":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        with client:
            if settings.tls == "starttls":
                client.starttls(context=context)
            if settings.user:
                client.login(settings.user, settings.password or "")
            refused = client.send_message(message, from_addr=settings.sender, to_addrs=recipients)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError("every recipient refused: " + describe_refusals(exc.recipients)) from None
    except smtplib.SMTPResponseException as exc:   # sender refused, DATA refused, login failed, …
        raise DeliveryError(f"server said {exc.smtp_code} {_text(exc.smtp_error)}") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        where = f"{settings.host}:{settings.port}"
        raise DeliveryError(f"cannot deliver via {where} ({settings.tls}): {exc or type(exc).__name__}") from None
    return {rcpt: (code, _text(text)) for rcpt, (code, text) in refused.items()}


def _text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())


def describe_refusals(refused: Mapping[str, tuple[int, bytes | str]]) -> str:
    return "; ".join(f"{rcpt} ({code} {_text(text)})" for rcpt, (code, text) in refused.items())
