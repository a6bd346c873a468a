"""Templates (Jinja2 with autoescaping on: every article field is text, never markup)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from lexwatch.web import format as fmt
from lexwatch.web.chart import build_chart
from lexwatch.web.params import Params


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                      autoescape=select_autoescape(["html"], default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(penalties=fmt.penalties_short, country=fmt.country_name,
                       language=fmt.language_name, stage=fmt.stage_label, safe_url=fmt.safe_url,
                       snippet=fmt.snippet_markup, paragraphs=fmt.paragraphs, number=fmt.number,
                       amount=fmt.amount_range, day=lambda iso: (iso or "")[:10])
    env.globals.update(build_chart=build_chart, active_filters=active_filters, bar_href=bar_href,
                       split_label=split_label, country_label=country_label, stage_label=fmt.stage_label,
                       language_label=language_label, plain_label=str)
    return env


def country_label(code: str) -> str:
    name = fmt.country_name(code)
    return name if name == code else f"{name} ({code})"


def language_label(code: str) -> str:
    return fmt.language_name(code)


def split_label(split: str) -> Callable[[str], str]:
    """How a key of the chart's split reads in the legend and the bars' descriptions."""
    return {"country": country_label, "stage": fmt.stage_label, "language": language_label}.get(split, str)


def bar_href(params: Params) -> Callable[[str, str, str], str]:
    return lambda start, end, interval: params.url("/", **{"from": start, "to": end, "interval": interval, "page": 1})


def active_filters(params: Params) -> list[tuple[str, str]]:
    """(what the filter is, the URL without it) for each chosen filter value."""
    out: list[tuple[str, str]] = []
    for name, values, label in (("country", params.country, country_label), ("stage", params.stage, fmt.stage_label),
                                ("outlet", params.outlet, str), ("lang", params.lang, language_label)):
        for value in values:
            out.append((label(value), params.url("/", **{name: [v for v in values if v != value], "page": 1})))
    if params.date_from or params.date_to:
        text = f"{params.date_from or '…'} – {params.date_to or '…'}"
        out.append((f"Published {text}", params.url("/", **{"from": None, "to": None, "page": 1})))
    if params.relevant is not None:
        text = "Deepfake-relevant only" if params.relevant else "Not deepfake-relevant"
        out.append((text, params.url("/", relevant=None, page=1)))
    return out


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
