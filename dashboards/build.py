"""Kibana saved objects (NDJSON) from dashboards/spec.py: `lexwatch dashboards export` writes them.

Objects are written in the shape Kibana 8.x stores them and stamped with that version
(typeMigrationVersion): Kibana 9.3 then runs only the migrations from there on at import, as it
does for its own sample data. Ids are fixed names, so importing again overwrites rather than duplicates.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lexwatch.dashboards import spec
from lexwatch.dashboards.spec import AggVis, DateHistogram, PenaltiesTable, PhraseFilter, Terms

NDJSON_PATH = Path(__file__).with_name("lexwatch.ndjson")
CORE_MIGRATION = "8.8.0"
TYPE_MIGRATION = {"index-pattern": "8.0.0", "search": "8.0.0", "visualization": "8.0.0", "dashboard": "8.7.0"}
PANEL_VERSION = "8.8.0"
SCHEMAS = {"histogram": ("segment", "group"), "horizontal_bar": ("segment", "group"),
           "pie": ("segment", "segment"), "table": ("bucket", "bucket")}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _saved(kind: str, object_id: str, attributes: dict[str, Any], references: list[dict[str, str]]) -> dict[str, Any]:
    return {"type": kind, "id": object_id, "attributes": attributes, "references": references,
            "coreMigrationVersion": CORE_MIGRATION, "typeMigrationVersion": TYPE_MIGRATION[kind], "managed": False}


def _filter(f: PhraseFilter, index: int) -> dict[str, Any]:
    return {"meta": {"alias": None, "negate": False, "disabled": False, "type": "phrase", "key": f.field,
                     "params": {"query": f.value},
                     "indexRefName": f"kibanaSavedObjectMeta.searchSourceJSON.filter[{index}].meta.index"},
            "query": f.query(), "$state": {"store": "appState"}}


def _search_source(filters: tuple, with_index: bool) -> tuple[dict[str, str], list[dict[str, str]]]:
    source: dict[str, Any] = {"query": {"query": "", "language": "kuery"},
                              "filter": [_filter(f, i) for i, f in enumerate(filters)]}
    refs = [{"name": f"kibanaSavedObjectMeta.searchSourceJSON.filter[{i}].meta.index", "type": "index-pattern",
             "id": spec.DATA_VIEW_ID} for i in range(len(filters))]
    if with_index:
        source["indexRefName"] = "kibanaSavedObjectMeta.searchSourceJSON.index"
        refs.insert(0, {"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern",
                        "id": spec.DATA_VIEW_ID})
    return {"searchSourceJSON": _dumps(source)}, refs


def data_view() -> dict[str, Any]:
    return _saved("index-pattern", spec.DATA_VIEW_ID, {
        "title": spec.INDEX_ALIAS, "name": spec.DATA_VIEW_NAME, "timeFieldName": spec.TIME_FIELD,
        "sourceFilters": _dumps([{"value": "lemmas"}]),  # derived match keys, noise for readers
        "fieldFormatMap": "{}", "runtimeFieldMap": "{}", "fieldAttrs": "{}", "fields": "[]",
        "allowNoIndex": False}, [])


def saved_search() -> dict[str, Any]:
    s = spec.SEARCH
    meta, refs = _search_source(s.filters, with_index=True)
    return _saved("search", s.id, {
        "title": s.title, "description": s.description, "columns": s.columns,
        "sort": [list(pair) for pair in s.sort], "grid": {}, "hideChart": False, "isTextBasedQuery": False,
        "timeRestore": False, "kibanaSavedObjectMeta": meta}, refs)


def _bucket_agg(bucket: Terms | DateHistogram, agg_id: str, schema: str) -> dict[str, Any]:
    if isinstance(bucket, DateHistogram):
        params = {"field": bucket.field, "interval": bucket.interval, "useNormalizedEsInterval": True,
                  "scaleMetricValues": False, "drop_partials": False, "min_doc_count": 1,
                  "extended_bounds": {}, "customLabel": bucket.label}
        return {"id": agg_id, "enabled": True, "type": "date_histogram", "params": params, "schema": schema}
    params = {"field": bucket.field, "orderBy": "1", "order": "desc", "size": bucket.size, "otherBucket": False,
              "otherBucketLabel": "Other", "missingBucket": False, "missingBucketLabel": "Missing",
              "customLabel": bucket.label}
    return {"id": agg_id, "enabled": True, "type": "terms", "params": params, "schema": schema}


def _vis_params(vis: AggVis) -> dict[str, Any]:
    if vis.kind == "pie":
        return {"type": "pie", "addTooltip": True, "legendDisplay": "show", "legendPosition": "right",
                "isDonut": True, "distinctColors": True, "nestedLegend": False, "emptySizeRatio": 0.3,
                "palette": {"type": "palette", "name": "default"},
                "labels": {"show": True, "values": True, "last_level": True, "truncate": 100}}
    if vis.kind == "table":
        return {"perPage": 15, "showPartialRows": False, "showMetricsAtAllLevels": False, "showTotal": False,
                "totalFunc": "sum", "percentageCol": "", "showToolbar": True, "autoFitRowToContent": False}
    horizontal = vis.kind == "horizontal_bar"
    return {
        "type": vis.kind, "addTooltip": True, "addLegend": True, "legendPosition": "right", "times": [],
        "addTimeMarker": False, "truncateLegend": True, "maxLegendLines": 1, "detailedTooltip": True,
        "palette": {"type": "palette", "name": "default"}, "labels": {"show": False},
        "thresholdLine": {"show": False, "value": 10, "width": 1, "style": "full", "color": "#E7664C"},
        "grid": {"categoryLines": False},
        "categoryAxes": [{"id": "CategoryAxis-1", "type": "category", "position": "left" if horizontal else "bottom",
                          "show": True, "scale": {"type": "linear"}, "title": {},
                          "labels": {"show": True, "filter": not horizontal, "truncate": 100,
                                     **({"rotate": 0} if horizontal else {})}}],
        "valueAxes": [{"id": "ValueAxis-1", "name": "LeftAxis-1", "type": "value",
                       "position": "bottom" if horizontal else "left", "show": True,
                       "scale": {"type": "linear", "mode": "normal"}, "title": {"text": "Articles"},
                       "labels": {"show": True, "rotate": 0, "filter": False, "truncate": 100}}],
        "seriesParams": [{"show": True, "type": "histogram", "mode": "stacked", "valueAxis": "ValueAxis-1",
                          "data": {"label": "Articles", "id": "1"}, "drawLinesBetweenPoints": True,
                          "lineWidth": 2, "showCircles": True, "circlesRadius": 1}]}


def agg_visualization(vis: AggVis) -> dict[str, Any]:
    schemas = SCHEMAS[vis.kind]
    aggs = [{"id": "1", "enabled": True, "type": "count", "params": {"customLabel": "Articles"}, "schema": "metric"}]
    aggs += [_bucket_agg(b, str(i + 2), schemas[i]) for i, b in enumerate(vis.buckets)]
    state = {"title": vis.title, "type": vis.kind, "aggs": aggs, "params": _vis_params(vis)}
    meta, refs = _search_source(vis.filters, with_index=True)
    return _saved("visualization", vis.id, {"title": vis.title, "description": vis.description,
                                            "visState": _dumps(state), "uiStateJSON": "{}", "version": 1,
                                            "kibanaSavedObjectMeta": meta}, refs)


def penalties_aggs(table: PenaltiesTable, countries: int = 50) -> dict[str, Any]:
    """Per country, per penalty kind and unit: lowest minimum, highest maximum, articles."""
    return {"countries": {"terms": {"field": table.country_field, "size": countries}, "aggs": {
        "penalties": {"nested": {"path": table.path}, "aggs": {
            "kinds": {"terms": {"field": f"{table.path}.kind", "size": 10}, "aggs": {
                "units": {"terms": {"field": f"{table.path}.unit", "size": 20}, "aggs": {
                    "low": {"min": {"field": f"{table.path}.min"}},
                    "high": {"max": {"field": f"{table.path}.max"}},
                    "articles": {"reverse_nested": {}}}}}}}}}}}


COLUMNS = ["Country", "Kind", "Range", "Unit", "Articles"]


def vega_spec(table: PenaltiesTable) -> dict[str, Any]:
    """A Vega-Lite text grid: one row per country, kind and unit."""
    # %context%: the dashboard's query, filters and controls; %timefield%: its time range
    url = {"index": spec.INDEX_ALIAS, "%context%": True, "%timefield%": spec.TIME_FIELD,
           "body": {"size": 0, "aggs": penalties_aggs(table)}}
    low, high = "datum.u.low.value", "datum.u.high.value"
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": table.title,
        "data": {"url": url, "format": {"property": "aggregations.countries.buckets"}},
        "transform": [
            {"flatten": ["penalties.kinds.buckets"], "as": ["k"]},
            {"flatten": ["k.units.buckets"], "as": ["u"]},
            {"calculate": "datum.key", "as": "Country"},
            {"calculate": "datum.k.key", "as": "Kind"},
            {"calculate": "datum.u.key", "as": "Unit"},
            {"calculate": f"({low} == null ? 'up to ' : format({low}, ',') + ({high} == {low} ? '' : '–'))"
                          f" + ({high} == null || {high} == {low} ? '' : format({high}, ','))", "as": "Range"},
            {"calculate": "datum.u.articles.doc_count", "as": "Articles"},
            {"window": [{"op": "row_number", "as": "row"}]},
            {"fold": COLUMNS},
        ],
        "mark": {"type": "text", "align": "left", "baseline": "middle", "fontSize": 12},
        "encoding": {
            "x": {"field": "key", "type": "nominal", "sort": COLUMNS, "title": None,
                  "axis": {"orient": "top", "labelAngle": 0, "labelAlign": "left", "domain": False, "ticks": False}},
            "y": {"field": "row", "type": "ordinal", "axis": None},
            "text": {"field": "value", "type": "nominal"},
        },
        "config": {"view": {"stroke": None}},
    }


def vega_visualization(table: PenaltiesTable) -> dict[str, Any]:
    state = {"title": table.title, "type": "vega", "aggs": [],
             "params": {"spec": json.dumps(vega_spec(table), ensure_ascii=False, indent=2)}}
    meta, refs = _search_source((), with_index=False)
    return _saved("visualization", table.id, {"title": table.title, "description": table.description,
                                              "visState": _dumps(state), "uiStateJSON": "{}", "version": 1,
                                              "kibanaSavedObjectMeta": meta}, refs)


def dashboard() -> dict[str, Any]:
    d = spec.DASHBOARD
    kinds = {v.id: "visualization" for v in spec.VISUALIZATIONS} | {spec.SEARCH.id: "search"}
    panels, refs = [], []
    for i, (object_id, x, y, w, h) in enumerate(d.panels):
        key = f"panel_{i}"
        panels.append({"version": PANEL_VERSION, "type": kinds[object_id], "panelIndex": str(i),
                       "gridData": {"x": x, "y": y, "w": w, "h": h, "i": str(i)},
                       "embeddableConfig": {"enhancements": {}}, "panelRefName": key})
        refs.append({"name": f"{i}:{key}", "type": kinds[object_id], "id": object_id})
    controls = {}
    for order, control in enumerate(d.controls):
        control_id = f"control-{control.field.replace('.', '-')}"
        controls[control_id] = {"order": order, "width": "medium", "grow": True, "type": "optionsListControl",
                                "explicitInput": {"id": control_id, "dataViewId": spec.DATA_VIEW_ID,
                                                  "fieldName": control.field, "title": control.title,
                                                  "selectedOptions": [], "searchTechnique": "prefix",
                                                  "sort": {"by": "_count", "direction": "desc"}}}
        refs.append({"name": f"controlGroup_{control_id}:optionsListDataView", "type": "index-pattern",
                     "id": spec.DATA_VIEW_ID})
    meta, filter_refs = _search_source(d.filters, with_index=False)
    return _saved("dashboard", d.id, {
        "title": d.title, "description": d.description, "version": 1, "timeRestore": True,
        "timeFrom": d.time_from, "timeTo": d.time_to, "refreshInterval": {"pause": True, "value": 60000},
        "optionsJSON": _dumps({"useMargins": True, "syncColors": False, "syncCursor": True,
                               "syncTooltips": False, "hidePanelTitles": False}),
        "panelsJSON": _dumps(panels),
        "controlGroupInput": {"controlStyle": "oneLine", "chainingSystem": "HIERARCHICAL", "showApplySelections": False,
                              "ignoreParentSettingsJSON": _dumps({"ignoreFilters": False, "ignoreQuery": False,
                                                                  "ignoreTimerange": False, "ignoreValidations": False}),
                              "panelsJSON": _dumps(controls)},
        "kibanaSavedObjectMeta": meta}, refs + filter_refs)


def saved_objects() -> list[dict[str, Any]]:
    """Dependencies first, as Kibana's own export orders them."""
    visualizations = [vega_visualization(v) if isinstance(v, PenaltiesTable) else agg_visualization(v)
                      for v in spec.VISUALIZATIONS]
    return [data_view(), saved_search(), *visualizations, dashboard()]


def ndjson() -> str:
    return "".join(json.dumps(o, ensure_ascii=False, sort_keys=True) + "\n" for o in saved_objects())


def export(path: Path = NDJSON_PATH) -> Path:
    path.write_text(ndjson(), encoding="utf-8")
    return path
