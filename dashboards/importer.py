"""`lexwatch dashboards import`: post lexwatch.ndjson to Kibana's saved-objects import API.

POST {kibana}[/s/{space}]/api/saved_objects/_import?overwrite=true, multipart/form-data with the
file in the part `file`, header `kbn-xsrf` (Kibana refuses API writes without it), and an
`Authorization: ApiKey …` or `Basic …` header when credentials are given.
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
from urllib.parse import quote


class ImportError_(Exception):
    """Kibana could not be reached or refused the request as a whole."""


@dataclass
class ObjectResult:
    type: str
    id: str
    title: str
    outcome: str          # created | overwritten | error: <type>


def import_url(kibana: str, space: str | None) -> str:
    base = kibana.rstrip("/")
    prefix = f"/s/{quote(space, safe='')}" if space and space != "default" else ""
    return f"{base}{prefix}/api/saved_objects/_import?overwrite=true"


def multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"lexwatch-{uuid.uuid4().hex}"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/ndjson\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def auth_header(api_key: str | None, user: str | None) -> str | None:
    if api_key:
        return f"ApiKey {api_key}"
    if user:
        if ":" not in user:
            raise ImportError_("--user needs USER:PASSWORD")
        return "Basic " + base64.b64encode(user.encode()).decode()
    return None


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


def import_objects(kibana: str, path: Path, space: str | None = None, api_key: str | None = None,
                   user: str | None = None, timeout: float = 60, verify_tls: bool = True) -> list[ObjectResult]:
    body, content_type = multipart(path.name, path.read_bytes())
    request = urllib.request.Request(import_url(kibana, space), data=body, method="POST", headers={
        "kbn-xsrf": "lexwatch", "Content-Type": content_type, "Accept": "application/json"})
    authorization = auth_header(api_key, user)
    if authorization:
        request.add_header("Authorization", authorization)
    context = None if verify_tls else ssl._create_unverified_context()  # noqa: S323 (explicit opt-in)
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            reply = json.load(response)
    except urllib.error.HTTPError as exc:
        text = exc.read().decode("utf-8", "replace")
        try:
            text = json.loads(text).get("message", text)
        except ValueError:
            pass
        raise ImportError_(f"Kibana at {kibana} answered {exc.code}: {' '.join(text.split())[:300]}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ImportError_(f"Kibana at {kibana} is unreachable: {reason}") from None
    except ValueError:
        raise ImportError_(f"Kibana at {kibana} did not answer with JSON; is this Kibana's URL?") from None
    return results(reply)
