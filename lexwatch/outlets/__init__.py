"""The outlet registry as data (see registry.py): `outlets()` -> {name: Outlet}."""
from lexwatch.outlets.lookup import (edition_language, guess_outlet, home_country, path_day, story_url,
                                     utc_offset)
from lexwatch.outlets.registry import Edition, Listing, Outlet, RegistryError, Selectors, Site, outlets

__all__ = ["Edition", "Listing", "Outlet", "RegistryError", "Selectors", "Site", "outlets", "guess_outlet",
           "edition_language", "utc_offset", "home_country", "path_day", "story_url"]
