"""A development's penalties: its sources' penalties merged, duplicates dropped, the strongest kind
first (deprivation of liberty before money), and within one kind and unit the basic offence before
its aggravated variants, which is the order lexwatch.penalties (the one wording) groups them in:
"prison up to 3 years; 3–5 and 3–7 years aggravated". This module only orders the records."""
from __future__ import annotations

from typing import Any

# Deprivation of liberty first, money last: the order a reader weighs them in.
SEVERITY = ("imprisonment", "restriction_of_liberty", "arrest", "correctional_labour", "community_service",
            "fine", "other")


def _identity(p: dict[str, Any]) -> tuple:
    return (p.get("kind") or "other", p.get("min"), p.get("max"), p.get("unit") or "")


def merge_penalties(penalties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple, dict[str, Any]] = {}
    for p in penalties:
        seen.setdefault(_identity(p), p)
    rank = {k: i for i, k in enumerate(SEVERITY)}

    def order(p: dict[str, Any]) -> tuple:
        kind, low, high, unit = _identity(p)
        top = high if high is not None else low if low is not None else 0
        return (rank.get(kind, len(rank)), unit, float(top), float(low or 0))
    return sorted(seen.values(), key=order)
