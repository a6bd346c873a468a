"""Plain-text renderings shared by the CLI and the alert digests."""
from __future__ import annotations

from typing import Any

from index.store import Timeline

UNIT_WORDS = {"years": ("year", "years"), "months": ("month", "months"), "days": ("day", "days"),
              "hours": ("hour", "hours")}
KIND_WORDS = {"fine": "fine", "imprisonment": "prison", "community_service": "community service",
              "restriction_of_liberty": "restriction of liberty", "correctional_labour": "correctional labour",
              "arrest": "arrest", "other": "penalty"}


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def penalty_short(p: dict[str, Any]) -> str:
    """'fine 3,000–7,000 AZN', 'prison up to 3 years', 'community service up to 480 hours'."""
    lo, hi, unit = p.get("min"), p.get("max"), p.get("unit", "")
    if unit in UNIT_WORDS:
        unit = UNIT_WORDS[unit][0 if (hi or lo) == 1 else 1]
    if lo is not None and hi is not None:
        amount = _num(lo) if lo == hi else f"{_num(lo)}–{_num(hi)}"
    elif hi is not None:
        amount = f"up to {_num(hi)}"
    elif lo is not None:
        amount = f"at least {_num(lo)}"
    else:
        amount = ""
    return " ".join(x for x in (KIND_WORDS.get(p.get("kind"), "penalty"), amount, unit) if x)


def penalties_short(penalties: list[dict[str, Any]]) -> str:
    return "; ".join(penalty_short(p) for p in penalties)


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
