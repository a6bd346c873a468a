"""What the registry says about a URL: its outlet, edition language, zone, path day, story URL.

Used by the analysis (lexwatch analyze --url, reprocess, the crawl's pipeline) and the surfaces.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from lexwatch.outlets.registry import Outlet, outlets

OTHER = "other"


def outlet_named(name: str | None) -> Outlet | None:
    return outlets().get((name or "").lower())


def guess_outlet(url: str) -> str:
    """The outlet serving `url`: by host, or by an outlet host or name in the path (local replicas
    on 127.0.0.1 mount each site under a path or a port, so the host alone says nothing)."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    for outlet in outlets().values():
        if outlet.site_of_host(host) is not None:
            return outlet.name
    path = parts.path.lower()
    for outlet in outlets().values():
        if any(h in path for h in outlet.hosts) or f"/{outlet.name}/" in path + "/":
            return outlet.name
    return OTHER


def edition_language(url: str, outlet: str | None) -> str | None:
    """Language of the edition `url` belongs to (by host, then path prefix), None when unknown."""
    known = outlet_named(outlet)
    if known is None:
        return None
    edition = known.edition_of_url(url)
    return edition.lang if edition else None


def utc_offset(outlet: str | None, url: str = "") -> str | None:
    """The outlet's zone; for an unknown outlet, the zone the registry's outlets share for the URL's
    country-code domain (pages of other .az/.kz sites state no offset either)."""
    known = outlet_named(outlet)
    if known is not None:
        return known.utc_offset
    tld = (urlsplit(url or "").hostname or "").rsplit(".", 1)[-1]
    zones = {o.utc_offset for o in outlets().values() for h in o.hosts if h.rsplit(".", 1)[-1] == tld}
    return zones.pop() if len(zones) == 1 else None


def home_country(outlet: str | None) -> str | None:
    known = outlet_named(outlet)
    return known.country if known else None


def path_day(url: str, outlet: str | None) -> tuple[int, int, int] | None:
    """The local publication day an article URL carries in its path, when the outlet's URLs do."""
    known = outlet_named(outlet)
    if known is None or not url:
        return None
    return known.day_in_path(known.story_path(urlsplit(url).path))


def story_url(url: str, outlet: str | None = None) -> str:
    """The story's URL for an AMP or print variant (by the outlet's registry rules); else `url`."""
    known = outlet_named(outlet or guess_outlet(url))
    if known is None or not url:
        return url
    parts = urlsplit(url)
    path = known.story_path(parts.path)
    return url if path == parts.path else urlunsplit(parts._replace(path=path))
