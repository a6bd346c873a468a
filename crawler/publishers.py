"""The crawler's view of the outlet registry (lexwatch/outlets/*.toml): the outlets by name, the
site keys `LEXWATCH_BASE_URLS` maps to base URLs (so one entry crawls the real site or its replica),
and the `--lang` spelling the commands accept. No outlet fact is written here.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from lexwatch.outlets import Outlet, outlets

Publisher = Outlet   # the crawler's name for an outlet of the registry
PUBLISHERS: dict[str, Outlet] = outlets()

LANG_ALIASES = {"kz": "kk", "kaz": "kk", "aze": "az", "rus": "ru", "eng": "en"}


def normalize_langs(value: str | list[str] | tuple[str, ...] | None) -> list[str] | None:
    """'az, ru,kz' -> ['az', 'ru', 'kk']; None or empty means every edition."""
    if not value:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    langs = [LANG_ALIASES.get(x.strip().lower(), x.strip().lower()) for x in items if x.strip()]
    return list(dict.fromkeys(langs)) or None


def default_base_urls() -> dict[str, str]:
    return {s.key: s.base_url for p in PUBLISHERS.values() for s in p.sites}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
