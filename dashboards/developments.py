"""Kibana objects for the developments index (index/es_developments.py): a data view on the alias
`lexwatch-developments` and one visualization, instrument tracks over time (each law's steps per
month, stacked by track). Written to dashboards/developments.ndjson by `lexwatch dashboards export`,
imported like the others (`lexwatch dashboards import --file dashboards/developments.ndjson`), and
proved on a real Elasticsearch by `lexwatch dashboards check` (fields in the developments mapping,
the histogram's answer on a scratch index equal to the one computed in Python).
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from lexwatch.dashboards.build import _bucket_agg, _dumps, _saved, _vis_params
from lexwatch.dashboards.check import (KEYWORD, Finding, _bucket, answered_buckets, es_aggs, expected_buckets,
                                       mapped_fields)
from lexwatch.dashboards.spec import AggVis, DateHistogram, Terms

NDJSON_PATH = Path(__file__).with_name("developments.ndjson")
DATA_VIEW_ID = "lexwatch-developments"
DATA_VIEW_TITLE = "lexwatch-developments"      # the developments alias of the default store alias
TIME_FIELD = "first_day"
TRACKS_OVER_TIME = AggVis(
    "lexwatch-tracks-over-time", "Instrument tracks over time", "histogram",
    (DateHistogram(TIME_FIELD, "M", "Month of the step"), Terms("track_label", 20, "Track")),
    "Steps of each law (developments: one legal event across outlets and languages) per month, "
    "stacked by track (country and instrument).")


def data_view() -> dict[str, Any]:
    return _saved("index-pattern", DATA_VIEW_ID, {
        "title": DATA_VIEW_TITLE, "name": "lexwatch developments", "timeFieldName": TIME_FIELD,
        "sourceFilters": _dumps([{"value": "members"}]), "fieldFormatMap": "{}", "runtimeFieldMap": "{}",
        "fieldAttrs": "{}", "fields": "[]", "allowNoIndex": False}, [])


def visualization(vis: AggVis = TRACKS_OVER_TIME) -> dict[str, Any]:
    aggs = [{"id": "1", "enabled": True, "type": "count", "params": {"customLabel": "Steps"}, "schema": "metric"}]
    aggs += [_bucket_agg(b, str(i + 2), ("segment", "group")[i]) for i, b in enumerate(vis.buckets)]
    state = {"title": vis.title, "type": vis.kind, "aggs": aggs, "params": _vis_params(vis)}
    source = {"query": {"query": "", "language": "kuery"}, "filter": [],
              "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index"}
    refs = [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": DATA_VIEW_ID}]
    return _saved("visualization", vis.id, {"title": vis.title, "description": vis.description,
                                            "visState": _dumps(state), "uiStateJSON": "{}", "version": 1,
                                            "kibanaSavedObjectMeta": {"searchSourceJSON": _dumps(source)}}, refs)


def ndjson() -> str:
    return "".join(json.dumps(o, ensure_ascii=False, sort_keys=True) + "\n" for o in (data_view(), visualization()))


def export(path: Path = NDJSON_PATH) -> Path:
    path.write_text(ndjson(), encoding="utf-8")
    return path


def read_buckets(text: str) -> tuple[str, str, tuple]:
    """(data view title, its time field, the visualization's buckets) as Kibana is given them."""
    objects = [json.loads(line) for line in text.splitlines() if line.strip()]
    [view] = [o for o in objects if o["type"] == "index-pattern"]
    [vis] = [o for o in objects if o["type"] == "visualization"]
    state = json.loads(vis["attributes"]["visState"])
    buckets = tuple(_bucket(a) for a in state["aggs"] if a["schema"] != "metric")
    return view["attributes"]["title"], view["attributes"]["timeFieldName"], buckets


def sample_developments():
    """Developments grouped from the dashboards' sample articles, given instruments so tracks differ."""
    from lexwatch.article import Article
    from lexwatch.dashboards.sample import sample_articles
    from lexwatch.developments.grouping import group
    from lexwatch.developments.keys import member_of
    named = {"az-": "Criminal Code", "kz-mvd": "Criminal Code", "kz-fines": "Law on Artificial Intelligence"}
    articles = []
    for a in sample_articles():
        copy = Article.from_dict(a.to_dict())
        slug = a.url.rsplit("/", 1)[-1]
        name = next((n for prefix, n in named.items() if slug.startswith(prefix)), None)
        if name:
            copy.deepfake["instruments"] = [{"name": name, "article": None, "part": None, "text": name}]
        articles.append(copy)
    return group([m for m in map(member_of, articles) if m is not None])


def check(base_url: str, ndjson_path: Path = NDJSON_PATH) -> list[Finding]:
    """Fields and the histogram's answer on a scratch developments index of `base_url`."""
    from elasticsearch import ApiError, Elasticsearch

    from lexwatch.index.es_developments import EsDevelopments, mapping_file, to_document
    title, time_field, buckets = read_buckets(ndjson_path.read_text(encoding="utf-8"))
    findings = []
    fields = mapped_fields(mapping_file()["mappings"]["properties"])
    uses = [("data view time field", time_field, {"date"})]
    uses += [(TRACKS_OVER_TIME.title, b.field, {"date"} if isinstance(b, DateHistogram) else KEYWORD) for b in buckets]
    for where, name, types in uses:
        kind = fields.get(name)
        findings.append(Finding(f"field {name}", kind in types,
                                f"{kind} in index/es_developments_mapping.json ({where})" if kind in types else
                                f"used by {where} as {'/'.join(sorted(types))}, mapped as {kind}"))
    findings.append(Finding("developments data view", title.endswith("-developments"),
                            f"title {title!r} names the developments alias"))
    es = Elasticsearch(base_url, request_timeout=30)
    scratch = EsDevelopments(es, f"lexwatch-devcheck-{uuid.uuid4().hex[:10]}")
    try:
        developments = sample_developments()
        scratch.replace([], developments)
        docs = [to_document(d) for d in developments]
        name = f"visualization {TRACKS_OVER_TIME.title!r}"
        try:
            resp = es.search(index=scratch.alias, size=0, aggs=es_aggs(buckets)).body
        except ApiError as exc:   # e.g. a terms aggregation on a text field: a failed check, not a crash
            findings.append(Finding(name, False, f"Elasticsearch refused the request: {' '.join(str(exc).split())[:300]}"))
            return findings
        expected, answered = expected_buckets(docs, buckets), answered_buckets(resp["aggregations"], len(buckets))
        findings.append(Finding(name, expected == answered and bool(expected),
                                f"{len(answered)} buckets as expected" if expected == answered else
                                f"expected {expected}, Elasticsearch answered {answered}"))
    finally:
        scratch.drop()
        es.close()
    return findings
