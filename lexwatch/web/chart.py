"""The timeline as plain geometry for an inline SVG drawn by the template: no chart library, no script.

Each bar is a link that narrows the date range to its bucket (a month bar also switches to weeks)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable

from lexwatch.index.timebuckets import next_bucket

WIDTH, HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 34
PALETTE_SIZE = 8          # CSS classes series-0 … series-7; more keys share the last colour
MAX_LABELS = 12


@dataclass
class Segment:
    key: str
    count: int
    y: float
    height: float
    css: str


@dataclass
class Bar:
    start: str
    end: str
    total: int
    x: float
    width: float
    href: str
    label: str
    description: str
    show_label: bool
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[int, float]]          # (value, y)
    legend: list[tuple[str, str, int]]      # (key, css class, total)
    baseline: float
    left: int


def bucket_label(start: date, interval: str) -> str:
    if interval == "year":
        return str(start.year)
    if interval == "month":
        return start.strftime("%b %Y")
    return start.strftime("%-d %b %Y")


def build_chart(buckets: list[dict[str, Any]], interval: str, split: str | None,
                href: Callable[[str, str, str], str], key_label: Callable[[str], str] = str) -> Chart:
    """`href(from, to, interval)` makes a bar's link; `key_label` names a split key for people."""
    totals: dict[str, int] = {}
    for b in buckets:
        for key, n in b["counts"].items():
            totals[key] = totals.get(key, 0) + n
    order = sorted(totals, key=lambda k: (k == "none", -totals[k], k))
    css = {k: "series-none" if k == "none" else f"series-{min(i, PALETTE_SIZE - 1)}" for i, k in enumerate(order)}
    peak = max([b["total"] for b in buckets] + [sum(b["counts"].values()) for b in buckets] + [1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(buckets), 1)
    every = max(1, -(-len(buckets) // MAX_LABELS))
    bars = []
    for i, b in enumerate(buckets):
        start = date.fromisoformat(b["start"])
        end = next_bucket(start, interval) - timedelta(days=1)
        drill = "week" if interval in ("month", "year") else interval
        label = bucket_label(start, interval)
        parts = ", ".join(f"{key_label(k)} {n}" for k, n in sorted(b["counts"].items(), key=lambda kv: order.index(kv[0])))
        noun = "article" if b["total"] == 1 else "articles"
        description = f"{label}: {b['total']} {noun}" + (f" ({parts})" if split and parts else "")
        bar = Bar(start=start.isoformat(), end=end.isoformat(), total=b["total"], x=LEFT + i * slot + slot * 0.1,
                  width=max(slot * 0.8, 1), href=href(start.isoformat(), end.isoformat(), drill), label=label,
                  description=description, show_label=i % every == 0)
        y = TOP + plot_h
        segments = sorted(b["counts"].items(), key=lambda kv: order.index(kv[0])) if split else [("all", b["total"])]
        for key, n in segments:
            height = plot_h * n / peak
            y -= height
            bar.segments.append(Segment(key=key, count=n, y=round(y, 2), height=round(height, 2),
                                        css=css.get(key, "series-0")))
        bars.append(bar)
    step = max(1, -(-peak // 4))
    ticks = [(v, round(TOP + plot_h - plot_h * v / peak, 2)) for v in range(0, peak + 1, step)]
    legend = [(k, css[k], totals[k]) for k in order] if split else []
    return Chart(width=WIDTH, height=HEIGHT, bars=bars, ticks=ticks, legend=legend, baseline=TOP + plot_h, left=LEFT)
