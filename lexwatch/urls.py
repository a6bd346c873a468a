"""URL hygiene shared by the crawler and the stores: one story, one canonical URL, one record."""
from __future__ import annotations

import os
import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters that only track the reader; they never change the story served.
TRACKING_PARAMS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
    "fbclid", "gclid", "yclid", "dclid", "mc_cid", "mc_eid", "igshid", "_ga", "ref", "from", "amp",
)
_AMP_PATH = re.compile(r"/amp/?$")


def canonical_url(url: str) -> str:
    """Lower-case host, no fragment, no tracking parameters, no AMP suffix, no trailing slash; an
    AMP or print variant the outlet registry describes becomes its story's URL."""
    from lexwatch.outlets import story_url   # the registry imports nothing of urls: no cycle
    url = story_url(url_query_cleaner(url.strip(), TRACKING_PARAMS, remove=True))
    url = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.startswith("amp."):
        host = host[4:]
    if parts.port and not (parts.scheme, parts.port) in (("http", 80), ("https", 443)):
        host = f"{host}:{parts.port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), host, path, parts.query, ""))


# -- redaction: the one rule for showing a store, frontier or Kibana URL ---------------------------
# Query parameters whose values are credentials (…?api_key=…, ?password=…, ?token=…).
_SECRET_PARAM = re.compile(r"key|token|secret|passw|auth|sig|credential", re.IGNORECASE)
# Environment variables that hold a secret lexwatch reads; their values are masked wherever they
# would appear, even outside a URL (a library's error text, a banner).
SECRET_ENV = ("LEXWATCH_ES_PASSWORD", "LEXWATCH_ES_API_KEY", "LEXWATCH_KIBANA_API_KEY", "LEXWATCH_KIBANA_PASSWORD",
              "LEXWATCH_KIBANA_USER", "LEXWATCH_FRONTIER_PASSWORD", "LEXWATCH_SMTP_PASSWORD", "LEXWATCH_TOKEN")
_URL_IN_TEXT = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>`]+")
MASK = "***"


def redact_url(url: str) -> str:
    """`url` as it may be shown: no user info (user, password, token before '@') and credential-like
    query values masked. Several hosts (`https://u:p@h1:9200,h2:9200`) keep every host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _mask_env(url.rpartition("@")[2]) if "@" in url else _mask_env(url)
    netloc = parts.netloc.rpartition("@")[2]
    query = "&".join(_mask_param(pair) for pair in parts.query.split("&")) if parts.query else ""
    if (netloc, query) == (parts.netloc, parts.query):
        return _mask_env(url)   # nothing to remove (and sqlite:///path keeps its empty authority)
    return _mask_env(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))


def redact(text: str) -> str:
    """Free text (an error line, a log message) with every URL in it redacted and the values of
    lexwatch's secret environment variables masked."""
    return _mask_env(_URL_IN_TEXT.sub(lambda m: redact_url(m.group()), str(text)))


def _mask_param(pair: str) -> str:
    name, sep, value = pair.partition("=")
    return f"{name}={MASK}" if sep and value and _SECRET_PARAM.search(name) else pair


def _mask_env(text: str) -> str:
    for name in SECRET_ENV:
        value = os.environ.get(name) or ""
        # very short values would mask ordinary words; nobody's password is three characters long
        for secret in {value, value.partition(":")[2]} if name.endswith("_USER") else {value}:
            if len(secret) >= 4:
                text = text.replace(secret, MASK)
    return text
