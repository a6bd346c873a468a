"""Plain-text renderings shared by the CLI and the alert digests."""
from __future__ import annotations

from typing import Any

from lexwatch.index.store import Timeline

UNIT_WORDS = {"years": ("year", "years"), "months": ("month", "months"), "days": ("day", "days"),
              "hours": ("hour", "hours")}
KIND_WORDS = {"fine": "fine", "imprisonment": "prison", "community_service": "community service",
              "restriction_of_liberty": "restriction of liberty", "correctional_labour": "correctional labour",
              "arrest": "arrest", "other": "penalty"}


def number(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def amount_range(low: float | None, high: float | None, unit: str) -> str:
    """'3,000–7,000 AZN', 'up to 3 years', 'at least 240 hours', '1 year'."""
    if unit in UNIT_WORDS:
        unit = UNIT_WORDS[unit][0 if (high if high is not None else low) == 1 else 1]
    unit = f" {unit}" if unit else ""
    if low is not None and high is not None and low != high:
        return f"{number(low)}–{number(high)}{unit}"
    if high is not None and low is None:
        return f"up to {number(high)}{unit}"
    if low is not None and high is None:
        return f"at least {number(low)}{unit}"
    if low is not None:
        return f"{number(low)}{unit}"
    return unit.strip()


def penalty_short(p: dict[str, Any]) -> str:
    """'fine 3,000–7,000 AZN', 'prison up to 3 years', 'fine up to 100 MRP (≈ up to 393,200 KZT)'.
    The one English wording: CLI, CSV export, English digests, the web page and its API."""
    text = amount_range(p.get("min"), p.get("max"), p.get("unit") or "")
    equivalent = p.get("equivalent")
    if equivalent and (equivalent.get("min") is not None or equivalent.get("max") is not None):
        text += f" (≈ {amount_range(equivalent.get('min'), equivalent.get('max'), equivalent.get('unit') or '')})"
    return f"{KIND_WORDS.get(p.get('kind') or 'other', 'penalty')} {text}".strip()


def penalties_short(penalties: list[dict[str, Any]] | None) -> str:
    return "; ".join(penalty_short(p) for p in penalties or [])


def timeline_chart(timeline: Timeline, width: int = 40) -> str:
    """A text bar chart: one line per bucket, the split keys listed after the bar."""
    if not timeline.buckets:
        return "(no matching articles with a publication date)"
    peak = max(b["total"] for b in timeline.buckets) or 1
    label = {"day": 10, "week": 10, "month": 7, "year": 4}[timeline.interval]
    lines = []
    for b in timeline.buckets:
        bar = "█" * max(1 if b["total"] else 0, round(b["total"] / peak * width))
        parts = ", ".join(f"{k} {n}" for k, n in sorted(b["counts"].items(), key=lambda kv: (-kv[1], kv[0])))
        start = b["start"][:label]
        prefix = "week of " if timeline.interval == "week" else ""
        lines.append(f"{prefix}{start}  {bar:<{width}} {b['total']:>4}" + (f"  ({parts})" if parts else ""))
    return "\n".join(lines)
