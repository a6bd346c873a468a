"""How lexwatch reaches Elasticsearch: hosts from the store URL; credentials and TLS trust from the
environment or the settings file (lexwatch/config.py), never from the command line.

Settings (a LEXWATCH_* variable wins over the key of the [elasticsearch] table of LEXWATCH_CONFIG):
  LEXWATCH_ES_API_KEY      api_key      an API key: the base64 "encoded" value ES returns, or "id:key"
  LEXWATCH_ES_USER         user         basic authentication (user:password@ in the URL is still accepted
  LEXWATCH_ES_PASSWORD     password       and wins over these two)
  LEXWATCH_ES_CA_CERTS     ca_certs     PEM file of the CA that signed the server's certificate
                                        (ES 8/9 default install: config/certs/http_ca.crt)
  LEXWATCH_ES_FINGERPRINT  fingerprint  SHA-256 of the server's or its CA's certificate, as ES prints it at
                                        first start (hex, colons allowed): trusts that certificate only
  LEXWATCH_ES_INSECURE     insecure     1: do not verify the certificate at all (a warning on every run)
An API key wins over a user and password. Shown URLs never carry credentials (lexwatch.urls.redact_url).
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping
from urllib.parse import unquote, urlsplit, urlunsplit

from lexwatch.config import ConfigError, is_true, service_settings, warn_unverified
from lexwatch.index.store import StoreError
from lexwatch.urls import redact

ENV_KEYS = {"api_key": "LEXWATCH_ES_API_KEY", "user": "LEXWATCH_ES_USER", "password": "LEXWATCH_ES_PASSWORD",
            "ca_certs": "LEXWATCH_ES_CA_CERTS", "fingerprint": "LEXWATCH_ES_FINGERPRINT",
            "insecure": "LEXWATCH_ES_INSECURE"}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class EsAccess:
    hosts: list[str]                 # scheme://host:port per node, no credentials
    base_url: str                    # the hosts as one URL, safe to show
    options: dict[str, Any] = field(default_factory=dict, repr=False)   # credentials and TLS for the client
    auth: str = "none"               # what the client presents: "API key", "user and password", "none"
    insecure: bool = False


def es_access(url: str, environ: Mapping[str, str] | None = None) -> EsAccess:
    """Hosts, credentials and trust for the Elasticsearch store URL `url`."""
    parts = urlsplit(url)
    userinfo, _, netloc = parts.netloc.rpartition("@")
    netlocs = [n.strip() for n in netloc.split(",")]
    if parts.scheme not in ("http", "https") or not all(netlocs) or not parts.hostname:
        raise StoreError(f"store URL {redact(url)!r} is not http(s)://host:9200[/alias]")
    if "," in userinfo:
        raise StoreError("store URL: give user:password@ once, before the first host "
                         "(or use LEXWATCH_ES_USER / LEXWATCH_ES_PASSWORD)")
    hosts = [urlunsplit((parts.scheme, n, "", "", "")) for n in netlocs]
    access = EsAccess(hosts, urlunsplit((parts.scheme, ",".join(netlocs), "", "", "")))
    try:
        settings = service_settings("elasticsearch", ENV_KEYS, environ)
    except ConfigError as exc:
        raise StoreError(str(exc)) from None
    user, password = settings.get("user"), settings.get("password")
    if userinfo:
        user, _, password = (unquote(x) for x in userinfo.partition(":"))
    if settings.get("api_key"):
        key = settings["api_key"].strip()
        access.options["api_key"] = tuple(key.split(":", 1)) if ":" in key else key   # (id, key) or encoded
        access.auth = "API key"
    elif user:
        if password is None:
            raise StoreError(f"Elasticsearch user {user!r} is set but no password (LEXWATCH_ES_PASSWORD)")
        access.options["basic_auth"] = (user, password)
        access.auth = "user and password"
    _trust(access, settings, parts.scheme)
    return access


def _trust(access: EsAccess, settings: dict[str, str], scheme: str) -> None:
    tls_keys = [k for k in ("ca_certs", "fingerprint") if settings.get(k)]
    if tls_keys and scheme != "https":
        raise StoreError(f"{ENV_KEYS[tls_keys[0]]} is set but the store URL is not https://")
    if settings.get("ca_certs"):
        from pathlib import Path
        if not Path(settings["ca_certs"]).is_file():
            raise StoreError(f"CA certificate file {settings['ca_certs']} (LEXWATCH_ES_CA_CERTS) does not exist")
        access.options["ca_certs"] = settings["ca_certs"]
    if settings.get("fingerprint"):
        pin = settings["fingerprint"].replace(":", "").strip().lower()
        if not _HEX64.match(pin):
            raise StoreError("LEXWATCH_ES_FINGERPRINT is not a SHA-256 fingerprint (64 hex digits, colons allowed)")
        access.options["ssl_assert_fingerprint"] = pin
    if is_true(settings.get("insecure")) and scheme == "https":
        access.options.update(verify_certs=False, ssl_show_warn=False)   # our own warning instead, below
        access.insecure = True


def connect(url: str, access: EsAccess | None = None, **client_options: Any) -> tuple[Any, EsAccess]:
    """An Elasticsearch client for the store URL `url` (credentials and trust as the module says)."""
    from elasticsearch import Elasticsearch
    access = access or es_access(url)
    if access.insecure:
        warn_unverified("Elasticsearch", access.base_url, "LEXWATCH_ES_INSECURE")
    return Elasticsearch(access.hosts, **access.options, **client_options), access


@contextmanager
def access_errors(base_url: str, action: str, auth: str = "none") -> Iterator[None]:
    """Turn the failures of trust and credentials into one StoreError line naming what failed: an
    untrusted certificate, a fingerprint mismatch, rejected credentials, a missing privilege. Other
    exceptions pass through to the store's own handling (unreachable, refused, failed)."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        named = access_failure(exc, f"Elasticsearch at {base_url}", action, auth)
        if named is None:
            raise
        raise StoreError(named) from None


def access_failure(exc: BaseException, where: str, action: str, auth: str) -> str | None:
    from elastic_transport import ConnectionError as TransportConnectionError
    from elastic_transport import TlsError
    from elasticsearch import ApiError
    text = _chain_text(exc)
    if isinstance(exc, TlsError) or (isinstance(exc, TransportConnectionError) and "SSL" in text):
        if "Fingerprints did not match" in text:
            return (f"{where}: its TLS certificate does not match the pinned fingerprint "
                    f"(LEXWATCH_ES_FINGERPRINT) ({action}); nothing was sent")
        found = re.search(r"certificate verify failed: ([^(\]'\"]+)", text)
        if found:
            return (f"{where}: its TLS certificate is not trusted ({found.group(1).strip()}) ({action}); "
                    "give its CA with LEXWATCH_ES_CA_CERTS or pin LEXWATCH_ES_FINGERPRINT")
        return f"{where}: TLS failed ({action}): {redact(text)[-300:]}"
    if isinstance(exc, ApiError) and exc.status_code == 401:
        rejected = {"API key": "the API key (LEXWATCH_ES_API_KEY)",
                    "user and password": "the user and password (LEXWATCH_ES_USER / LEXWATCH_ES_PASSWORD "
                                         "or the URL)"}.get(auth)
        if rejected is None:
            return (f"{where} wants credentials ({action}): 401 Unauthorized; set LEXWATCH_ES_API_KEY or "
                    "LEXWATCH_ES_USER / LEXWATCH_ES_PASSWORD")
        return f"{where} rejected {rejected} ({action}): 401 Unauthorized"
    if isinstance(exc, ApiError) and exc.status_code == 403 and "security_exception" in str(exc.body):
        return (f"{where} refused {action}: 403 Forbidden: the credentials lack a privilege (lexwatch needs "
                "index privileges on lexwatch* and cluster monitor)")
    return None


def _chain_text(exc: BaseException) -> str:
    """The exception's text with its causes' (the transport wraps urllib3's, which wraps ssl's)."""
    seen, parts, todo = set(), [], [exc]
    while todo:
        item = todo.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        parts.append(str(item))
        todo += [e for e in (*getattr(item, "errors", ()), item.__cause__, item.__context__)
                 if isinstance(e, BaseException)]
    return " ".join(" ".join(parts).split())
