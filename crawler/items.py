"""What a spider hands to the item pipelines: one fetched article page, raw."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FetchedPage:
    url: str                        # final URL (after redirects)
    status: int
    # kept out of repr: Scrapy logs a dropped item whole, and a body can be megabytes
    body: bytes = field(repr=False)
    headers: list[tuple[str, str]] = field(repr=False)  # response headers as received (decoded latin-1)
    request_headers: list[tuple[str, str]] = field(repr=False)
    outlet: str
    site: str
    edition: str | None
    fetched_at: str                 # ISO 8601 UTC
    content_type: str | None = None
    published_hint: str | None = None   # from the feed/sitemap/listing that linked it (UTC ISO)
    lastmod_hint: str | None = None
    requested_url: str = ""         # URL as scheduled, before redirects
    refetch: bool = False           # an update of a stored article
