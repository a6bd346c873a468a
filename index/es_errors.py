"""Elasticsearch client errors as one line that names the server (a StoreError for the user)."""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator

from lexwatch.index.store import StoreError


@contextmanager
def guard(base_url: str, action: str, auth: str = "none") -> Iterator[None]:
    """Turn client exceptions into one-line StoreErrors that name the server (and, for TLS trust and
    credentials, what failed: index/es_connection.py)."""
    from lexwatch.index.es_connection import access_errors
    from elastic_transport import ConnectionError as TransportConnectionError
    from elastic_transport import ConnectionTimeout, TransportError
    from elasticsearch import ApiError
    from elasticsearch.helpers import BulkIndexError
    try:
        with access_errors(base_url, action, auth):
            yield
    except StoreError:
        raise
    except (TransportConnectionError, ConnectionTimeout) as exc:
        raise StoreError(f"Elasticsearch at {base_url} is unreachable ({action}): "
                         f"{connection_reason(exc)}") from None
    except ApiError as exc:
        raise StoreError(f"Elasticsearch at {base_url} refused {action}: "
                         f"{exc.status_code} {api_reason(exc)}") from None
    except (TransportError, BulkIndexError) as exc:
        raise StoreError(f"Elasticsearch at {base_url} failed {action}: {one_line(exc)}") from None


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def connection_reason(exc: BaseException) -> str:
    """The OS's reason ("[Errno 111] Connection refused", "timed out") without the wrapper chain."""
    text = one_line(exc)
    found = re.search(r"\[Errno -?\d+\][^)'\"]*", text)
    if found:
        return found.group().strip()
    if "timed out" in text.lower() or "timeout" in type(exc).__name__.lower():
        return "timed out"
    return text


def error_type(exc: Any) -> str:
    info = getattr(exc, "info", None) or getattr(exc, "body", None) or {}
    if isinstance(info, dict):
        return str((info.get("error") or {}).get("type", "")) if isinstance(info.get("error"), dict) else ""
    return ""


def api_reason(exc: Any) -> str:
    info = getattr(exc, "info", None) or getattr(exc, "body", None)
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        err = info["error"]
        root = (err.get("root_cause") or [err])[0]
        return f"{root.get('type', '')}: {root.get('reason', '')}"[:300]
    return one_line(exc)


def bulk_reason(op: dict[str, Any]) -> str:
    err = op.get("error")
    if isinstance(err, dict):
        reason = f"{err.get('type', 'error')}: {err.get('reason', '')}"
        cause = err.get("caused_by")
        if isinstance(cause, dict) and cause.get("reason"):
            reason += f" ({cause['reason']})"
        return " ".join(reason.split())[:500]
    if err:
        return " ".join(str(err).split())[:500]
    return f"status {op.get('status')}"
