"""What `lexwatch watch` polls, per outlet and edition: feeds and sitemaps from the outlet registry
(lexwatch/outlets/). The only place the watch service reads outlet facts.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    outlet: str
    site: str          # LEXWATCH_BASE_URLS key
    edition: str       # language of the edition; "*" for a site-wide sitemap index
    kind: str          # feed | sitemap
    path: str


def outlets() -> list[str]:
    from lexwatch.outlets import outlets as registry
    return list(registry())


def poll_targets(outlet: str) -> list[Target]:
    """Every feed and sitemap the outlet's editions publish (what one idle poll asks for, at most)."""
    from lexwatch.outlets import outlets as registry
    out: list[Target] = []
    for site in registry()[outlet].sites:
        out += [Target(outlet, site.key, "*", "sitemap", path) for path in site.sitemaps]
        for edition in site.editions:
            out += [Target(outlet, site.key, edition.lang, "feed", path) for path in edition.feeds]
            out += [Target(outlet, site.key, edition.lang, "sitemap", path) for path in edition.sitemaps]
    return out


def editions(outlet: str) -> list[str]:
    return list(dict.fromkeys(t.edition for t in poll_targets(outlet) if t.edition != "*"))
