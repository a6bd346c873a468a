"""`lexwatch dashboards check`: prove the Kibana objects against a real Elasticsearch.

It reads the objects back from dashboards/lexwatch.ndjson, so it proves what Kibana is given:
1. Every field the data view, saved search, visualizations and controls use exists in the index
   mapping with a type Kibana can use that way (date for the time field and histograms, keyword for
   terms and controls, nested for the penalties, numbers for their ranges).
2. Every saved query and aggregation, as the Elasticsearch request Kibana sends for it (with the
   dashboard's filters), runs on a scratch index filled with dashboards/sample.py and returns the
   buckets computed from those articles in Python.
The scratch index is `<alias>-dashcheck-<random>`, created from index/es_mapping.json and deleted after.
"""
from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

from lexwatch.dashboards.build import NDJSON_PATH
from lexwatch.dashboards.sample import sample_articles
from lexwatch.dashboards.spec import AggVis, Control, DateHistogram, PenaltiesTable, PhraseFilter, SavedSearch, Terms

KEYWORD = {"keyword", "constant_keyword"}
INTERVALS = {"d", "w", "M", "y"}
NUMBER = {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float"}


class PlanError(ValueError):
    """The NDJSON holds something this check cannot turn into an Elasticsearch request."""


@dataclass
class Plan:
    """The saved objects as read back from the NDJSON file: what Kibana will really be given."""
    time_field: str
    search: SavedSearch
    visualizations: list[tuple[AggVis | PenaltiesTable, dict[str, Any] | None]]   # (vis, Vega's own aggs)
    dashboard_filters: tuple
    controls: list[Control]


def _filters(search_source_json: str) -> tuple:
    out = []
    for f in json.loads(search_source_json).get("filter", []):
        (field, value), = f["query"]["match_phrase"].items()   # KeyError/ValueError: unsupported filter
        out.append(PhraseFilter(field, value))
    return tuple(out)


def _bucket(agg: dict[str, Any]) -> Terms | DateHistogram:
    params = agg["params"]
    if agg["type"] == "terms":
        return Terms(params["field"], int(params["size"]), params.get("customLabel", ""))
    if agg["type"] == "date_histogram" and params["interval"] in INTERVALS:
        return DateHistogram(params["field"], params["interval"], params.get("customLabel", ""))
    raise PlanError(f"aggregation {agg['type']} {params.get('interval', '')} is not checked")


def read_plan(text: str) -> Plan:
    objects = {(o["type"], o["id"]): o for o in map(json.loads, text.splitlines()) if o}
    by_type = lambda kind: [o for (t, _), o in objects.items() if t == kind]  # noqa: E731
    try:
        (view,), (search,), (board,) = by_type("index-pattern"), by_type("search"), by_type("dashboard")
        a = search["attributes"]
        saved = SavedSearch(search["id"], a["title"], a.get("description", ""), a["columns"],
                            [tuple(pair) for pair in a["sort"]],
                            _filters(a["kibanaSavedObjectMeta"]["searchSourceJSON"]))
        visualizations: list[tuple[AggVis | PenaltiesTable, dict[str, Any] | None]] = []
        for vis in by_type("visualization"):
            state = json.loads(vis["attributes"]["visState"])
            if state["type"] == "vega":
                aggs = json.loads(state["params"]["spec"])["data"]["url"]["body"]["aggs"]
                table = PenaltiesTable(vis["id"], state["title"],
                                       country_field=aggs["countries"]["terms"]["field"],
                                       path=aggs["countries"]["aggs"]["penalties"]["nested"]["path"])
                visualizations.append((table, aggs))
                continue
            if [x["type"] for x in state["aggs"] if x["schema"] == "metric"] != ["count"]:
                raise PlanError(f"{state['title']}: only a count metric is checked")
            buckets = tuple(_bucket(x) for x in state["aggs"] if x["schema"] != "metric")
            visualizations.append((AggVis(vis["id"], state["title"], state["type"], buckets, filters=_filters(
                vis["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])), None))
        controls = [Control(c["explicitInput"]["fieldName"], c["explicitInput"]["title"]) for c in sorted(
            json.loads(board["attributes"]["controlGroupInput"]["panelsJSON"]).values(), key=lambda c: c["order"])]
        return Plan(view["attributes"]["timeFieldName"], saved, visualizations,
                    _filters(board["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"]), controls)
    except (KeyError, ValueError, TypeError) as exc:
        raise PlanError(f"the NDJSON does not have the expected shape: {type(exc).__name__}: {exc}") from None


@dataclass
class Finding:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


# -- 1. fields ------------------------------------------------------------------------------------
def mapped_fields(properties: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Dotted field name -> type; objects are 'object', multi-fields appear as name.sub."""
    out: dict[str, str] = {}
    for name, body in properties.items():
        full = prefix + name
        out[full] = body.get("type", "object")
        for sub, sub_body in (body.get("fields") or {}).items():
            out[f"{full}.{sub}"] = sub_body.get("type", "object")
        if "properties" in body:
            out.update(mapped_fields(body["properties"], full + "."))
    return out


def field_uses(plan: Plan) -> list[tuple[str, str, set[str]]]:
    """(where, field, acceptable mapping types) for every field an object refers to."""
    uses: list[tuple[str, str, set[str]]] = [("data view time field", plan.time_field, {"date"})]
    anything = {"keyword", "text", "date", "boolean", "flattened", *NUMBER}
    s = plan.search
    uses += [("saved search column", column, anything) for column in s.columns]
    uses += [("saved search sort", name, {"date"}) for name, _ in s.sort]
    for f in (*s.filters, *plan.dashboard_filters):
        uses.append(("filter", f.field, {"boolean", "keyword", *NUMBER}))
    for vis, _ in plan.visualizations:
        if isinstance(vis, PenaltiesTable):
            uses += [(vis.title, vis.country_field, KEYWORD), (vis.title, vis.path, {"nested"}),
                     (vis.title, f"{vis.path}.kind", KEYWORD), (vis.title, f"{vis.path}.unit", KEYWORD),
                     (vis.title, f"{vis.path}.min", NUMBER), (vis.title, f"{vis.path}.max", NUMBER)]
            continue
        for bucket in vis.buckets:
            uses.append((vis.title, bucket.field, {"date"} if isinstance(bucket, DateHistogram) else KEYWORD))
    uses += [(f"control {c.title}", c.field, KEYWORD) for c in plan.controls]
    return uses


def check_fields(plan: Plan, fields: dict[str, str], index: str) -> list[Finding]:
    findings = []
    nested_paths = [name for name, kind in fields.items() if kind == "nested"]
    vega_titles = {v.title for v, aggs in plan.visualizations if aggs is not None}
    for where, name, types in field_uses(plan):
        kind = fields.get(name)
        inside_nested = any(name.startswith(p + ".") for p in nested_paths)
        penalty_vis = where in vega_titles   # Vega sends its own nested aggregation
        if kind is None:
            findings.append(Finding(f"field {name}", False, f"used by {where}, missing from {index}"))
        elif kind not in types:
            findings.append(Finding(f"field {name}", False,
                                    f"used by {where} as {'/'.join(sorted(types))}, mapped as {kind} in {index}"))
        elif inside_nested and not penalty_vis:   # Kibana's editor and controls cannot reach nested fields
            findings.append(Finding(f"field {name}", False, f"used by {where} but nested in {index}"))
        else:
            findings.append(Finding(f"field {name}", True, f"{kind} in {index} ({where})"))
    return findings


# -- 2. requests ---------------------------------------------------------------------------------
def _values(doc: dict[str, Any], dotted: str) -> list[Any]:
    value: Any = doc
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return []
    if not isinstance(value, list):
        return [value]
    return [v for i, v in enumerate(value) if v not in value[:i]]   # each value once per document


def _bucket_keys(doc: dict[str, Any], bucket: Terms | DateHistogram) -> list[str]:
    if isinstance(bucket, Terms):
        return [str(v) for v in _values(doc, bucket.field)]
    from lexwatch.index.timebuckets import bucket_start
    return [bucket_start(date.fromisoformat(v[:10]), bucket.calendar_interval).isoformat()
            for v in _values(doc, bucket.field)]


def _matches(doc: dict[str, Any], filters: tuple) -> bool:
    return all(f.value in _values(doc, f.field) for f in filters)


def expected_buckets(docs: list[dict[str, Any]], buckets: tuple) -> dict[str, Any]:
    """{key: count} or {key: {sub key: count}} as Elasticsearch should answer (min_doc_count 1)."""
    first, *rest = buckets
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        for key in _bucket_keys(doc, first):
            groups[key].append(doc)
    if not rest:
        return {k: len(v) for k, v in groups.items()}
    return {k: expected_buckets(v, tuple(rest)) for k, v in groups.items()}


def es_aggs(buckets: tuple) -> dict[str, Any]:
    """The bucket aggregations Kibana sends for a count split by `buckets` (agg names as Kibana's ids)."""
    out: dict[str, Any] = {}
    first, *rest = buckets
    if isinstance(first, DateHistogram):
        agg: dict[str, Any] = {"date_histogram": {"field": first.field, "calendar_interval": first.calendar_interval,
                                                  "min_doc_count": 1, "format": "yyyy-MM-dd"}}
    else:
        agg = {"terms": {"field": first.field, "size": first.size, "order": {"_count": "desc"}}}
    if rest:
        agg["aggs"] = es_aggs(tuple(rest))
    out[str(len(buckets))] = agg
    return out


def answered_buckets(aggs: dict[str, Any], depth: int) -> dict[str, Any]:
    (_, agg), = aggs.items()
    out: dict[str, Any] = {}
    for b in agg["buckets"]:
        key = b.get("key_as_string", str(b["key"]))
        inner = {k: v for k, v in b.items() if isinstance(v, dict) and "buckets" in v}
        out[key] = answered_buckets(inner, depth - 1) if depth > 1 else b["doc_count"]
    return out


def expected_penalties(docs: list[dict[str, Any]], table: PenaltiesTable) -> dict[tuple[str, str, str], tuple]:
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for doc in docs:
        for country in _values(doc, table.country_field):
            for p in _values(doc, table.path):
                row = rows.setdefault((country, p["kind"], p["unit"]), {"low": None, "high": None, "ids": set()})
                if p.get("min") is not None:
                    row["low"] = p["min"] if row["low"] is None else min(row["low"], p["min"])
                if p.get("max") is not None:
                    row["high"] = p["max"] if row["high"] is None else max(row["high"], p["max"])
                row["ids"].add(doc["id"])
    return {k: (v["low"], v["high"], len(v["ids"])) for k, v in rows.items()}


def answered_penalties(aggs: dict[str, Any]) -> dict[tuple[str, str, str], tuple]:
    out = {}
    for country in aggs["countries"]["buckets"]:
        for kind in country["penalties"]["kinds"]["buckets"]:
            for unit in kind["units"]["buckets"]:
                out[(country["key"], kind["key"], unit["key"])] = (
                    unit["low"]["value"], unit["high"]["value"], unit["articles"]["doc_count"])
    return out


def _compare(name: str, expected: Any, answered: Any) -> Finding:
    if expected == answered:
        return Finding(name, True, f"{_size(answered)} as expected")
    return Finding(name, False, f"expected {expected}, Elasticsearch answered {answered}")


def _size(value: Any) -> str:
    return f"{len(value)} buckets" if isinstance(value, dict) else f"{len(value)} hits"


def run_requests(plan: Plan, search: Callable[..., dict[str, Any]], docs: list[dict[str, Any]]) -> list[Finding]:
    """`search(**body)` runs an Elasticsearch search on the scratch index. A refused request is a
    failed check (e.g. a terms aggregation on a text field), not a crash."""
    context = plan.dashboard_filters
    in_context = [d for d in docs if _matches(d, context)]

    def query(filters: tuple) -> dict[str, Any]:
        return {"bool": {"filter": [f.query() for f in filters]}}

    def saved_search() -> tuple[Any, Any]:
        s = plan.search
        wanted = sorted((d for d in docs if _matches(d, s.filters)), key=lambda d: d["published_at"], reverse=True)
        resp = search(query=query(s.filters), sort=[{name: {"order": order}} for name, order in s.sort],
                      size=100, source_includes=["id"])
        return [d["id"] for d in wanted], [h["_source"]["id"] for h in resp["hits"]["hits"]]

    def visualization(vis: AggVis | PenaltiesTable, vega_aggs: dict[str, Any] | None) -> tuple[Any, Any]:
        if isinstance(vis, PenaltiesTable):   # the aggregation exactly as written in the Vega spec
            resp = search(query=query(context), size=0, aggs=vega_aggs)
            return expected_penalties(in_context, vis), answered_penalties(resp["aggregations"])
        filters = (*context, *vis.filters)
        resp = search(query=query(filters), size=0, aggs=es_aggs(vis.buckets))
        chosen = [d for d in docs if _matches(d, filters)]
        return expected_buckets(chosen, vis.buckets), answered_buckets(resp["aggregations"], len(vis.buckets))

    def control(c: Control) -> tuple[Any, Any]:   # an options list asks for the field's terms in context
        resp = search(query=query(context), size=0, aggs={"options": {"terms": {"field": c.field, "size": 100}}})
        expected = Counter(v for d in in_context for v in _values(d, c.field))
        return dict(expected), {b["key"]: b["doc_count"] for b in resp["aggregations"]["options"]["buckets"]}

    jobs: list[tuple[str, Callable[[], tuple[Any, Any]]]] = [(f"saved search {plan.search.title!r}", saved_search)]
    jobs += [(f"visualization {v.title!r}", lambda v=v, a=a: visualization(v, a)) for v, a in plan.visualizations]
    jobs += [(f"control {c.title!r}", lambda c=c: control(c)) for c in plan.controls]
    findings = []
    for name, job in jobs:
        try:
            expected, answered = job()
        except Exception as exc:
            if type(exc).__module__.split(".")[0] not in ("elasticsearch", "elastic_transport"):
                raise
            findings.append(Finding(name, False, f"Elasticsearch refused the request: {' '.join(str(exc).split())[:300]}"))
            continue
        findings.append(_compare(name, expected, answered))
    return findings


# -- running it ----------------------------------------------------------------------------------
def check(store_url: str, ndjson_path: Path = NDJSON_PATH) -> list[Finding]:
    from lexwatch.index.es_documents import to_document
    from lexwatch.index.es_store import ElasticsearchStore
    from lexwatch.index.store import StoreError
    plan = read_plan(ndjson_path.read_text(encoding="utf-8"))
    live = ElasticsearchStore(store_url)
    current = live.current_index()   # also: a clear error when the server is not there
    scratch = ElasticsearchStore(f"{live.base_url}/{live.alias}-dashcheck-{uuid.uuid4().hex[:10]}")
    findings: list[Finding] = []
    try:
        articles = sample_articles()
        report = scratch.upsert(articles)
        if report.errors:
            return [Finding("sample articles", False, f"could not index: {report.errors[0]}")]
        index = scratch.current_index()
        mapping = scratch.es.indices.get_mapping(index=index)[index]["mappings"]
        findings += check_fields(plan, mapped_fields(mapping["properties"]), "index/es_mapping.json")
        if current:   # the index the data view will really read
            live_mapping = live.es.indices.get_mapping(index=current)[current]["mappings"]
            findings += [f for f in check_fields(plan, mapped_fields(live_mapping["properties"]), current) if not f.ok]
        docs = [to_document(a) for a in articles]
        findings += run_requests(plan, lambda **body: scratch.es.search(index=scratch.alias, **body).body, docs)
    finally:
        try:
            scratch.drop()
        except StoreError:   # the server went away mid-check; the error that did it is more telling
            pass
        scratch.close()
        live.close()
    return findings
