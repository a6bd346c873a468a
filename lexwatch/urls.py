"""URL hygiene shared by the crawler and the stores: one story, one canonical URL, one record."""
from __future__ import annotations

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
