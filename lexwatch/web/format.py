"""How tags read on the page: penalties in short, country and stage names, safe links and snippets."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

COUNTRY_NAMES = {
    "AZ": "Azerbaijan", "KZ": "Kazakhstan", "RU": "Russia", "UZ": "Uzbekistan", "KG": "Kyrgyzstan",
    "TJ": "Tajikistan", "TM": "Turkmenistan", "GE": "Georgia", "AM": "Armenia", "BY": "Belarus",
    "UA": "Ukraine", "TR": "Türkiye", "CN": "China", "US": "United States", "GB": "United Kingdom",
    "EU": "European Union", "KR": "South Korea", "IN": "India", "FR": "France", "DE": "Germany",
}
LANGUAGE_NAMES = {"az": "Azerbaijani", "ru": "Russian", "en": "English", "kk": "Kazakh", "uz": "Uzbek"}
STAGE_LABELS = {"proposal": "Proposal", "committee": "Committee", "reading": "Reading", "adopted": "Adopted",
                "signed": "Signed", "in_force": "In force", "guidance": "Guidance", "enforcement": "Enforcement"}
PENALTY_LABELS = {"fine": "fine", "imprisonment": "", "community_service": "community service",
                  "restriction_of_liberty": "restricted liberty", "correctional_labour": "correctional labour",
                  "arrest": "arrest", "other": "other"}
_MARK = re.compile(r"<(?!/?mark>)")


def number(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def amount_range(low: float | None, high: float | None, unit: str) -> str:
    unit = f" {unit}" if unit else ""
    if low is not None and high is not None and low != high:
        return f"{number(low)}–{number(high)}{unit}"
    if high is not None and low is None:
        return f"up to {number(high)}{unit}"
    if low is not None and high is None:
        return f"from {number(low)}{unit}"
    if low is not None:
        return f"{number(low)}{unit}"
    return unit.strip()


def penalty_short(penalty: dict[str, Any]) -> str:
    """'fine 3,000–7,000 AZN', 'up to 3 years' (imprisonment needs no word), 'arrest up to 30 days'."""
    kind = penalty.get("kind") or "other"
    text = amount_range(penalty.get("min"), penalty.get("max"), penalty.get("unit") or "")
    equivalent = penalty.get("equivalent")
    if equivalent and (equivalent.get("min") is not None or equivalent.get("max") is not None):
        text += f" (≈ {amount_range(equivalent.get('min'), equivalent.get('max'), equivalent.get('unit') or '')})"
    label = PENALTY_LABELS.get(kind, kind.replace("_", " "))
    return f"{label} {text}".strip()


def penalties_short(penalties: list[dict[str, Any]]) -> str:
    return "; ".join(penalty_short(p) for p in penalties or [])


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


__all__ = ["escape", "penalty_short", "penalties_short", "country_name", "language_name", "stage_label",
           "safe_url", "snippet_markup", "paragraphs", "number", "amount_range"]
