"""What the Kibana objects show, as data: build.py renders it for Kibana, check.py for Elasticsearch.

Field names are the Elasticsearch mapping's (index/es_mapping.json); check.py fails when one is
missing or has a type Kibana cannot aggregate as used here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

INDEX_ALIAS = "lexwatch"
TIME_FIELD = "published_at"
DAY_FIELD = "published_day"     # the local publication day: buckets match `lexwatch timeline`


@dataclass(frozen=True)
class PhraseFilter:
    """A Kibana 'is' filter pill; in Elasticsearch a match_phrase query."""
    field: str
    value: object

    def query(self) -> dict:
        return {"match_phrase": {self.field: self.value}}


@dataclass(frozen=True)
class Terms:
    field: str
    size: int
    label: str


@dataclass(frozen=True)
class DateHistogram:
    field: str
    interval: str       # Kibana's interval code: "w", "M", "y"
    label: str

    @property
    def calendar_interval(self) -> str:
        return {"d": "day", "w": "week", "M": "month", "y": "year"}[self.interval]


@dataclass(frozen=True)
class AggVis:
    """A Kibana aggregation-based visualization: a count split by one or two bucket aggregations."""
    id: str
    title: str
    kind: str                       # histogram | horizontal_bar | pie | table
    buckets: tuple                  # (first, second?) of Terms / DateHistogram
    description: str = ""
    filters: tuple = ()


@dataclass(frozen=True)
class PenaltiesTable:
    """Penalties are nested objects, which Kibana's aggregation editor cannot reach; a Vega
    visualization sends its own nested aggregation instead."""
    id: str
    title: str
    description: str = ""
    country_field: str = "deepfake.jurisdictions"
    path: str = "deepfake.penalties"


@dataclass(frozen=True)
class Control:
    field: str
    title: str


@dataclass
class SavedSearch:
    id: str
    title: str
    description: str
    columns: list[str]
    sort: list[tuple[str, str]]
    filters: tuple = ()


@dataclass
class Dashboard:
    id: str
    title: str
    description: str
    panels: list[tuple[str, int, int, int, int]]     # (object id, x, y, w, h) on Kibana's 48-column grid
    controls: list[Control] = field(default_factory=list)
    filters: tuple = ()
    time_from: str = "now-2y"
    time_to: str = "now"


RELEVANT = PhraseFilter("deepfake.relevant", True)
DATA_VIEW_ID = "lexwatch-articles"
DATA_VIEW_NAME = "lexwatch articles"

SEARCH = SavedSearch(
    id="lexwatch-deepfake-regulation", title="Deepfake regulation",
    description="Articles the tagger found relevant to deepfake and AI-media regulation, newest first.",
    columns=["title", "outlet", "language", "deepfake.jurisdictions", "deepfake.stage", "url"],
    sort=[(TIME_FIELD, "desc")], filters=(RELEVANT,))

VISUALIZATIONS = [
    AggVis("lexwatch-articles-over-time", "Articles over time by jurisdiction", "histogram",
           (DateHistogram(DAY_FIELD, "M", "Month published"), Terms("deepfake.jurisdictions", 10, "Country")),
           "Articles per month of their local publication day, stacked by jurisdiction."),
    AggVis("lexwatch-stage-breakdown", "Stage breakdown", "pie",
           (Terms("deepfake.stage", 10, "Stage"),), "Articles per legislative stage."),
    PenaltiesTable("lexwatch-penalties", "Penalties by country",
                   "Every penalty the tagger read: kind, range (lowest minimum to highest maximum), unit, "
                   "per country, with the number of articles."),
    AggVis("lexwatch-top-bodies", "Top legislative bodies", "table",
           (Terms("deepfake.bodies", 15, "Body"),), "Parliaments, ministries and agencies named most often."),
    AggVis("lexwatch-outlet-language", "Articles by outlet and language", "horizontal_bar",
           (Terms("outlet", 10, "Outlet"), Terms("language", 10, "Language")),
           "How much each outlet published, in which language."),
]

DASHBOARD = Dashboard(
    id="lexwatch-deepfake-regulation-monitor", title="Deepfake regulation monitor",
    description="How countries regulate deepfakes and AI-generated media, from lexwatch's crawl. "
                "Remove the 'deepfake.relevant: true' filter to see every crawled article.",
    panels=[("lexwatch-articles-over-time", 0, 0, 32, 15), ("lexwatch-stage-breakdown", 32, 0, 16, 15),
            ("lexwatch-penalties", 0, 15, 28, 16), ("lexwatch-top-bodies", 28, 15, 20, 16),
            ("lexwatch-outlet-language", 0, 31, 20, 14), ("lexwatch-deepfake-regulation", 20, 31, 28, 14)],
    controls=[Control("deepfake.jurisdictions", "Country"), Control("deepfake.stage", "Stage")],
    filters=(RELEVANT,))
