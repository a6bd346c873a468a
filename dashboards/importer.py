"""`lexwatch dashboards import`: post lexwatch.ndjson to Kibana's saved-objects import API.

POST {kibana}[/s/{space}]/api/saved_objects/_import?overwrite=true, multipart/form-data with the
file in the part `file`, header `kbn-xsrf` (Kibana refuses API writes without it), and an
`Authorization: ApiKey …` or `Basic …` header when credentials are given.

Credentials and trust, a LEXWATCH_* variable over the [kibana] table of LEXWATCH_CONFIG (lexwatch/config.py):
  LEXWATCH_KIBANA_API_KEY    api_key    the base64 "encoded" API key
  LEXWATCH_KIBANA_USER       user       USER, or USER:PASSWORD (user:password@ in the URL is accepted too)
  LEXWATCH_KIBANA_PASSWORD   password
  LEXWATCH_KIBANA_CA_CERTS   ca_certs   PEM file of the CA that signed Kibana's certificate
  LEXWATCH_KIBANA_INSECURE   insecure   1: do not verify the certificate (a warning on every run)
The Kibana URL is shown only through lexwatch.urls.redact_url.
"""
from __future__ import annotations

import base64
import json
import ssl
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from lexwatch.config import ConfigError, is_true, service_settings, warn_unverified
from lexwatch.urls import redact, redact_url

ENV_KEYS = {"api_key": "LEXWATCH_KIBANA_API_KEY", "user": "LEXWATCH_KIBANA_USER",
            "password": "LEXWATCH_KIBANA_PASSWORD", "ca_certs": "LEXWATCH_KIBANA_CA_CERTS",
            "insecure": "LEXWATCH_KIBANA_INSECURE"}


class ImportError_(Exception):
    """Kibana could not be reached or refused the request as a whole."""


@dataclass
class ObjectResult:
    type: str
    id: str
    title: str
    outcome: str          # created | overwritten | error: <type>


def import_url(kibana: str, space: str | None) -> str:
    parts = urlsplit(kibana)
    base = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl().rstrip("/")
    prefix = f"/s/{quote(space, safe='')}" if space and space != "default" else ""
    return f"{base}{prefix}/api/saved_objects/_import?overwrite=true"


def multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"lexwatch-{uuid.uuid4().hex}"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/ndjson\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def auth_header(api_key: str | None, user: str | None, password: str | None = None) -> str | None:
    if api_key:
        return f"ApiKey {api_key}"
    if user:
        if ":" not in user and password is None:
            raise ImportError_("Kibana user is set but no password (LEXWATCH_KIBANA_PASSWORD)")
        pair = user if ":" in user else f"{user}:{password}"
        return "Basic " + base64.b64encode(pair.encode()).decode()
    return None


def kibana_settings(kibana: str, api_key: str | None = None, user: str | None = None,
                    ca_certs: str | None = None, insecure: bool = False) -> dict[str, str]:
    """Credentials and trust for `kibana`: arguments, then the URL's user info, then the
    environment and the settings file."""
    try:
        settings = service_settings("kibana", ENV_KEYS)
    except ConfigError as exc:
        raise ImportError_(str(exc)) from None
    userinfo = urlsplit(kibana).netloc.rpartition("@")[0]
    if userinfo:
        settings["user"], _, settings["password"] = (unquote(x) for x in userinfo.partition(":"))
    given = {"api_key": api_key, "user": user, "ca_certs": ca_certs, "insecure": "1" if insecure else None}
    settings.update({k: v for k, v in given.items() if v})
    return settings


def results(reply: dict[str, Any]) -> list[ObjectResult]:
    out = [ObjectResult(r["type"], r["id"], (r.get("meta") or {}).get("title", ""),
                        "overwritten" if r.get("overwrite") else "created")
           for r in reply.get("successResults") or []]
    for e in reply.get("errors") or []:
        error = e.get("error") or {}
        detail = error.get("type", "error")
        if error.get("references"):
            missing = dict.fromkeys(f"{r['type']} {r['id']}" for r in error["references"])
            detail += " (" + ", ".join(missing) + ")"
        out.append(ObjectResult(e.get("type", "?"), e.get("id", "?"),
                                e.get("title") or (e.get("meta") or {}).get("title", ""), f"error: {detail}"))
    return out


def tls_context(kibana: str, settings: dict[str, str]) -> ssl.SSLContext | None:
    if is_true(settings.get("insecure")):
        warn_unverified("Kibana", redact_url(kibana), "--insecure / LEXWATCH_KIBANA_INSECURE")
        return ssl._create_unverified_context()  # noqa: S323 (explicit opt-in, warned above)
    if settings.get("ca_certs"):
        try:
            return ssl.create_default_context(cafile=settings["ca_certs"])
        except (OSError, ssl.SSLError) as exc:
            raise ImportError_(f"cannot use the CA file {settings['ca_certs']} (LEXWATCH_KIBANA_CA_CERTS): "
                               f"{getattr(exc, 'strerror', None) or exc}") from None
    return None


def import_objects(kibana: str, path: Path, space: str | None = None, api_key: str | None = None,
                   user: str | None = None, timeout: float = 60, verify_tls: bool = True,
                   ca_certs: str | None = None) -> list[ObjectResult]:
    settings = kibana_settings(kibana, api_key, user, ca_certs, insecure=not verify_tls)
    shown = redact_url(kibana)   # every message below names Kibana without credentials
    body, content_type = multipart(path.name, path.read_bytes())
    request = urllib.request.Request(import_url(kibana, space), data=body, method="POST", headers={
        "kbn-xsrf": "lexwatch", "Content-Type": content_type, "Accept": "application/json"})
    authorization = auth_header(settings.get("api_key"), settings.get("user"), settings.get("password"))
    if authorization:
        request.add_header("Authorization", authorization)
    context = tls_context(kibana, settings)
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            reply = json.load(response)
    except urllib.error.HTTPError as exc:
        text = exc.read().decode("utf-8", "replace")
        try:
            text = json.loads(text).get("message", text)
        except ValueError:
            pass
        raise ImportError_(f"Kibana at {shown} answered {exc.code}: {redact(' '.join(text.split()))[:300]}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ImportError_(f"Kibana at {shown} is unreachable: {redact(str(reason))}") from None
    except ValueError:
        raise ImportError_(f"Kibana at {shown} did not answer with JSON; is this Kibana's URL?") from None
    return results(reply)
