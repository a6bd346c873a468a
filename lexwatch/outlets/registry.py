"""The outlet registry: one TOML file per outlet beside this module, validated on load.

Every stage reads an outlet's facts here (the crawler's spiders and replicas, the analysis' outlet,
edition, zone, path day and home country, `lexwatch sites check`); no outlet name, host or zone is
written anywhere else in the code (tests/test_outlet_registry.py greps for them).
An extra directory of outlet files can be layered on top with LEXWATCH_OUTLETS_DIR.
"""
from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema

HERE = Path(__file__).resolve().parent
SCHEMA_PATH = HERE / "outlet.schema.json"


class RegistryError(ValueError):
    """An outlet file that cannot be read or breaks the schema (one line naming file and field)."""


@dataclass(frozen=True)
class Edition:
    lang: str                      # ISO 639-1 language of the section ("kk" for Kazakh)
    prefix: str = ""               # first path segment(s) of the section, "" for the site's root
    feeds: tuple[str, ...] = ()    # RSS/Atom paths
    sitemaps: tuple[str, ...] = ()  # sitemap index or urlset paths
    listings: tuple[str, ...] = ()  # first pages of paginated listings
    archive: str | None = None     # dated archive path, `{date}` formatted with `archive_date_format`


@dataclass(frozen=True)
class Site:
    key: str                       # LEXWATCH_BASE_URLS key
    base_url: str                  # real origin
    editions: tuple[Edition, ...]
    sitemaps: tuple[str, ...] = ()  # site-wide sitemap indexes (all editions)
    aliases: tuple[str, ...] = ()  # other real origins serving the same pages

    @property
    def hosts(self) -> tuple[str, ...]:
        return tuple(urlsplit(u).hostname or "" for u in (self.base_url, *self.aliases))

    def edition_of(self, path: str) -> Edition | None:
        """The edition whose prefix starts `path`; the root edition when none does."""
        best = None
        for edition in self.editions:
            p = edition.prefix
            if p and (path == p or path.startswith(p + "/")):
                if best is None or len(p) > len(best.prefix):
                    best = edition
        if best is None:
            best = next((e for e in self.editions if not e.prefix), None)
        return best

    def prefixed_edition(self, path: str) -> Edition | None:
        """The edition named by a prefix of `path` (never the root one)."""
        edition = self.edition_of(path)
        return edition if edition and edition.prefix else None


@dataclass(frozen=True)
class Listing:
    """CSS selectors of a listing page (news feed, category, dated archive)."""
    item: str
    link: str
    date: str                      # text of the date (and time) of an item, joined by spaces
    next_page: str


@dataclass(frozen=True)
class Selectors:
    """Article page selectors of one design of the site, valid for [valid_from, valid_until)."""
    valid_from: date
    valid_until: date | None = None
    title: str | None = None
    body: str | None = None
    date: str | None = None
    teaser: tuple[str, ...] = ()

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


@dataclass(frozen=True)
class Variant:
    kind: str                      # amp | print
    pattern: str                   # regex on the path of the variant
    story: str                     # replacement giving the story's path


@dataclass(frozen=True)
class Outlet:
    name: str
    title: str
    country: str                   # home country, ISO 3166-1 alpha-2
    utc_offset: str                # local time of the newsroom
    sites: tuple[Site, ...]
    article_paths: tuple[str, ...]
    listing: Listing
    archive_date_format: str = "%d.%m.%Y"
    path_date: str | None = None
    variants: tuple[Variant, ...] = ()
    selectors: tuple[Selectors, ...] = ()
    notes: str = ""
    source: str = ""               # the file it was read from
    _article_res: tuple = field(init=False, repr=False, compare=False)
    _variant_res: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_article_res", tuple(re.compile(p) for p in self.article_paths))
        object.__setattr__(self, "_variant_res", tuple((re.compile(v.pattern), v) for v in self.variants))

    # -- URL shapes ------------------------------------------------------------------------
    def is_article_path(self, path: str) -> bool:
        return any(r.match(path) for r in self._article_res)

    def story_path(self, path: str) -> str:
        """The story's path for an AMP or print variant's path; other paths unchanged."""
        for regex, variant in self._variant_res:
            if regex.match(path):
                return regex.sub(variant.story, path, count=1)
        return path

    def day_in_path(self, path: str) -> tuple[int, int, int] | None:
        m = re.search(self.path_date, path) if self.path_date else None
        return (int(m["y"]), int(m["m"]), int(m["d"])) if m else None

    # -- sites and editions ----------------------------------------------------------------
    def site(self, key: str) -> Site:
        return next(s for s in self.sites if s.key == key)

    @property
    def hosts(self) -> tuple[str, ...]:
        return tuple(h for s in self.sites for h in s.hosts)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.lang for s in self.sites for e in s.editions))

    def site_of_host(self, host: str) -> Site | None:
        """The site serving `host`: an exact host first (kaz.example.kz is not example.kz), then a
        subdomain of one (amp.…, m.…)."""
        host = (host or "").lower()
        exact = next((s for s in self.sites if host in s.hosts), None)
        return exact or next((s for s in self.sites if any(host.endswith("." + h) for h in s.hosts)), None)

    def edition_of_url(self, url: str) -> Edition | None:
        """The edition of `url`: by its host and path prefix; for a host that is none of the
        outlet's (a local replica), by a path prefix of any site, else the first site's root."""
        parts = urlsplit(url or "")
        site = self.site_of_host(parts.hostname or "")
        if site is not None:
            return site.edition_of(parts.path)
        # A replica may mount the site under its name or host: look past two leading segments.
        segments = [s for s in parts.path.split("/") if s]
        for skip in range(0, min(2, len(segments)) + 1):
            path = "/" + "/".join(segments[skip:])
            for candidate in self.sites:
                edition = candidate.prefixed_edition(path)
                if edition:
                    return edition
        return self.sites[0].edition_of("/")

    def selectors_on(self, day: date | None = None) -> Selectors | None:
        """The article selectors valid on `day` (default: today in the outlet's zone)."""
        day = day or datetime.now(self.zone).date()
        return next((s for s in self.selectors if s.valid_on(day)), None)

    @property
    def zone(self) -> timezone:
        sign = -1 if self.utc_offset.startswith("-") else 1
        hours, minutes = self.utc_offset.lstrip("+-").split(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


# -- loading ---------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def read_outlet(path: Path) -> Outlet:
    """One outlet file -> Outlet, or RegistryError naming the file and what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RegistryError(f"outlet file {path}: {exc}") from None
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top)"
        raise RegistryError(f"outlet file {path}: {where}: {errors[0].message}")
    for pattern in [*data["article_paths"], data.get("path_date") or "", *(v["pattern"] for v in data.get("variants", []))]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RegistryError(f"outlet file {path}: bad regex {pattern!r}: {exc}") from None
    if data.get("path_date") and not {"y", "m", "d"} <= set(re.compile(data["path_date"]).groupindex):
        raise RegistryError(f"outlet file {path}: path_date needs the groups y, m and d")
    if path.stem != data["name"]:
        raise RegistryError(f"outlet file {path}: name {data['name']!r} differs from the file name")
    sites = tuple(Site(s["key"], s["base_url"], tuple(Edition(
        e["lang"], e.get("prefix", ""), tuple(e.get("feeds", ())), tuple(e.get("sitemaps", ())),
        tuple(e.get("listings", ())), e.get("archive")) for e in s["editions"]),
        tuple(s.get("sitemaps", ())), tuple(s.get("aliases", ()))) for s in data["sites"])
    selectors = tuple(Selectors(date.fromisoformat(v["valid_from"]),
                                date.fromisoformat(v["valid_until"]) if v.get("valid_until") else None,
                                v.get("title"), v.get("body"), v.get("date"), tuple(v.get("teaser", ())))
                      for v in data.get("selectors", ()))
    return Outlet(name=data["name"], title=data["title"], country=data["country"], utc_offset=data["utc_offset"],
                  sites=sites, article_paths=tuple(data["article_paths"]), listing=Listing(**data["listing"]),
                  archive_date_format=data.get("archive_date_format", "%d.%m.%Y"), path_date=data.get("path_date"),
                  variants=tuple(Variant(**v) for v in data.get("variants", ())), selectors=selectors,
                  notes=data.get("notes", ""), source=str(path))


def registry_dirs() -> list[Path]:
    extra = os.environ.get("LEXWATCH_OUTLETS_DIR")
    return [HERE] + ([Path(extra)] if extra else [])


@lru_cache(maxsize=4)
def _load(dirs: tuple[Path, ...]) -> dict[str, Outlet]:
    outlets: dict[str, Outlet] = {}
    for directory in dirs:
        for path in sorted(directory.glob("*.toml")):
            outlet = read_outlet(path)
            outlets[outlet.name] = outlet
    keys = [s.key for o in outlets.values() for s in o.sites]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise RegistryError(f"outlet registry: site keys used twice: {', '.join(duplicates)}")
    return dict(sorted(outlets.items()))


def outlets() -> dict[str, Outlet]:
    """Every outlet of the registry by name (sorted)."""
    return _load(tuple(registry_dirs()))
