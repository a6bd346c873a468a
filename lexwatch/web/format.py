"""How tags read on the page: penalties in short, country and stage names, safe links and snippets."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from lexwatch.penalties import amount_range, number, penalties_short

COUNTRY_NAMES = {
    "AZ": "Azerbaijan", "KZ": "Kazakhstan", "RU": "Russia", "UZ": "Uzbekistan", "KG": "Kyrgyzstan",
    "TJ": "Tajikistan", "TM": "Turkmenistan", "GE": "Georgia", "AM": "Armenia", "BY": "Belarus",
    "UA": "Ukraine", "TR": "Türkiye", "CN": "China", "US": "United States", "GB": "United Kingdom",
    "EU": "European Union", "KR": "South Korea", "IN": "India", "FR": "France", "DE": "Germany",
}
LANGUAGE_NAMES = {"az": "Azerbaijani", "ru": "Russian", "en": "English", "kk": "Kazakh", "uz": "Uzbek"}
STAGE_LABELS = {"proposal": "Proposal", "committee": "Committee", "reading": "Reading", "adopted": "Adopted",
                "signed": "Signed", "in_force": "In force", "guidance": "Guidance", "enforcement": "Enforcement"}
_MARK = re.compile(r"<(?!/?mark>)")


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code, code)


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(code or "", code or "unknown")


def stage_label(stage: str | None) -> str:
    return STAGE_LABELS.get(stage or "", (stage or "none").replace("_", " ").capitalize())


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s); None for javascript:, data: and anything else a link must not be."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def snippet_markup(snippet: str) -> Markup:
    """The store's snippet is escaped text with <mark>; escape any other '<' anyway, so that only
    <mark> can ever be markup even if a store got this wrong."""
    return Markup(_MARK.sub("&lt;", snippet or ""))


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", body or "") if p.strip()]


__all__ = ["escape", "penalties_short", "country_name", "language_name", "stage_label",
           "safe_url", "snippet_markup", "paragraphs", "number", "amount_range"]
