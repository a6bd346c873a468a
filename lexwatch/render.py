"""Plain-text renderings for the CLI (penalties are worded by lexwatch/penalties.py)."""
from __future__ import annotations

from lexwatch.index.store import Timeline


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
