"""The outlets lexwatch knows, as data: hosts, local time zone, and the language of each edition.

Why offsets are fixed strings: Azerbaijan has had no DST since 2016 and Kazakhstan moved to a
single UTC+5 zone in March 2024, so the outlets' local offset never changes within our window.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Outlet:
    name: str
    hosts: tuple[str, ...]
    utc_offset: str
    editions: dict[str, str]        # first path segment -> language of that section
    root_language: str | None       # language of pages outside any edition segment


OUTLETS: dict[str, Outlet] = {
    "report": Outlet("report", ("report.az",), "+04:00", {"ru": "ru", "en": "en"}, "az"),
    "kazinform": Outlet("kazinform", ("inform.kz",), "+05:00", {"ru": "ru", "kz": "kk", "en": "en"}, None),
    "kursiv": Outlet("kursiv", ("kursiv.media",), "+05:00", {"en": "en"}, "ru"),
}

# Pages of unknown outlets still get a zone from the country-code TLD when they state none.
TLD_OFFSETS = {"az": "+04:00", "kz": "+05:00"}


def _host_matches(host: str, suffix: str) -> bool:
    return host == suffix or host.endswith("." + suffix)


def guess_outlet(url: str) -> str:
    """The outlet serving `url`: by host, or by an outlet host named in the path (local replicas
    on 127.0.0.1 mount each site under a path or a port, so the host alone says nothing)."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    for outlet in OUTLETS.values():
        if any(_host_matches(host, h) for h in outlet.hosts):
            return outlet.name
    path = parts.path.lower()
    for outlet in OUTLETS.values():
        if any(h in path for h in outlet.hosts) or f"/{outlet.name}/" in path + "/":
            return outlet.name
    return "other"


def guess_edition(url: str, outlet: str) -> str | None:
    """Language of the site section of `url`: the first path segment that names an edition."""
    known = OUTLETS.get(outlet)
    if known is None:
        return None
    segments = [s for s in urlsplit(url or "").path.lower().split("/") if s]
    # A replica may prefix the path with the outlet's name or host; skip such segments.
    for seg in segments[:3]:
        if seg in known.editions:
            return known.editions[seg]
    return known.root_language


def language_of_link(url: str, outlet: str) -> str | None:
    """Language of an edition link, or None when the URL is outside any known edition."""
    known = OUTLETS.get(outlet)
    if known is None:
        return None
    segments = [s for s in urlsplit(url).path.lower().split("/") if s]
    for seg in segments[:3]:
        if seg in known.editions:
            return known.editions[seg]
    return known.root_language


def utc_offset(outlet: str, url: str = "") -> str | None:
    known = OUTLETS.get(outlet)
    if known is not None:
        return known.utc_offset
    host = (urlsplit(url or "").hostname or "")
    return TLD_OFFSETS.get(host.rsplit(".", 1)[-1])
