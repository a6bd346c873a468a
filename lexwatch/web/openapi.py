"""The OpenAPI 3.1 description of /api/, served at /api/openapi.json. The Article schema is the
contract file itself (lexwatch/article.schema.json), so the API documents exactly what stores hold."""
from __future__ import annotations

import copy
import json
from typing import Any

from lexwatch.index.store import INTERVALS, MAX_RESULT_WINDOW, SORTS
from lexwatch.article import STAGES, schema as article_schema
from lexwatch.web.params import MAX_QUERY_CHARS, MAX_SIZE, SPLIT_NAMES


def _param(name: str, description: str, schema: dict[str, Any], many: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "in": "query", "required": False, "description": description}
    if many:
        spec.update(schema={"type": "array", "items": schema}, style="form", explode=True)
    else:
        spec["schema"] = schema
    return spec


FILTER_PARAMETERS = [
    _param("q", "Query: words (all must occur, in any inflected form), \"a phrase\", a OR b, -excluded.",
           {"type": "string", "maxLength": MAX_QUERY_CHARS}),
    _param("country", "Two-letter jurisdiction code; repeat (or separate by commas) for any of several.",
           {"type": "string", "pattern": "^[A-Za-z]{2}$"}, many=True),
    _param("stage", "Legislative stage; repeatable.", {"type": "string", "enum": list(STAGES)}, many=True),
    _param("outlet", "Outlet name of the registry (lexwatch/outlets/); repeatable.", {"type": "string"}, many=True),
    _param("lang", "Article language (ISO 639-1); repeatable.", {"type": "string"}, many=True),
    _param("from", "First local publication day, inclusive.", {"type": "string", "format": "date"}),
    _param("to", "Last local publication day, inclusive.", {"type": "string", "format": "date"}),
    _param("relevant", "1: only deepfake-relevant articles; 0: only the others.", {"type": "string", "enum": ["1", "0"]}),
]
PAGE_PARAMETERS = [
    _param("sort", "date (newest first) or relevance.", {"type": "string", "enum": list(SORTS), "default": "date"}),
    _param("page", "Result page.", {"type": "integer", "minimum": 1, "default": 1}),
    _param("size", f"Hits per page; page × size may not pass {MAX_RESULT_WINDOW}.",
           {"type": "integer", "minimum": 1, "maximum": MAX_SIZE, "default": 20}),
]
CHART_PARAMETERS = [
    _param("group", "development: each hit carries its development; later hits of one development are folded.",
           {"type": "string", "enum": ["none", "development"], "default": "none"}),
    _param("interval", "Bucket length.", {"type": "string", "enum": list(INTERVALS), "default": "month"}),
    _param("split", "Count each bucket per value of this field.",
           {"type": "string", "enum": list(SPLIT_NAMES), "default": "country"}),
]
# Every API call accepts the full state of the page, so any page URL works under /api/ unchanged.
ALL_PARAMETERS = FILTER_PARAMETERS + PAGE_PARAMETERS + CHART_PARAMETERS


def _extended(article: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The Article schema with more (required) fields: it forbids unknown ones, so allOf cannot extend it."""
    out = copy.deepcopy(article)
    out["properties"].update(extra)
    out["required"] = out["required"] + list(extra)
    return out


def _components() -> dict[str, Any]:
    article = copy.deepcopy(article_schema())
    defs = article.pop("$defs")
    for key in ("$schema", "$id"):
        article.pop(key, None)
    text = json.dumps({"Article": article, **{k.capitalize(): v for k, v in defs.items()}})
    for name in defs:
        text = text.replace(f'"#/$defs/{name}"', f'"#/components/schemas/{name.capitalize()}"')
    schemas = json.loads(text)
    schemas["Hit"] = _extended(schemas["Article"], {
        "snippet": {"type": "string", "description": "HTML-escaped body excerpt; only <mark> elements are markup"},
        "penalties_short": {"type": "string", "examples": ["fine 3,000–7,000 AZN; prison up to 3 years"]}})
    schemas["Hit"]["properties"]["development"] = {
        "type": ["object", "null"], "description": "With group=development: the development the article reports "
        "(its other versions; `folded` when an earlier hit on the page already shows it)"}
    schemas["Filters"] = {"type": "object", "description": "The filters applied, as the store understood them"}
    schemas["SearchResult"] = {"type": "object", "required": ["total", "page", "size", "pages", "hits"], "properties": {
        "query": {"type": "string"}, "filters": {"$ref": "#/components/schemas/Filters"},
        "sort": {"type": "string"}, "total": {"type": "integer"}, "page": {"type": "integer"},
        "size": {"type": "integer"}, "pages": {"type": "integer"},
        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}}}
    schemas["Timeline"] = {"type": "object", "required": ["interval", "split", "buckets"], "properties": {
        "query": {"type": "string"}, "filters": {"$ref": "#/components/schemas/Filters"},
        "interval": {"type": "string"}, "split": {"type": "string"},
        "buckets": {"type": "array", "description": "Every bucket from the first to the last match, empty ones included",
                    "items": {"type": "object", "required": ["start", "total", "counts"], "properties": {
                        "start": {"type": "string", "format": "date"}, "total": {"type": "integer"},
                        "counts": {"type": "object", "additionalProperties": {"type": "integer"}}}}}}}
    schemas["Facets"] = {"type": "object", "required": ["country", "stage", "outlet", "lang"],
                         "description": "Articles per value of each filter, counted without that filter's own choice",
                         "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}}}
    schemas["ArticleView"] = _extended(schemas["Article"], {
        "penalties_short": {"type": "string"},
        "versions": {"type": "array", "items": {"type": "object", "required": ["language", "url", "id"], "properties": {
            "language": {"type": "string"}, "url": {"type": "string"},
            "id": {"type": ["string", "null"], "description": "set when this store holds that version"}}}}})
    schemas["Development"] = {"type": "object", "description": "One legal event across languages and outlets",
        "required": ["id", "track_id", "jurisdiction", "instrument", "stage", "first_day", "last_day", "sources"],
        "properties": {"id": {"type": "string"}, "track_id": {"type": "string"},
                       "jurisdiction": {"type": ["string", "null"]}, "instrument_key": {"type": ["string", "null"]},
                       "instrument": {"type": "string"}, "stage": {"type": "string", "examples": ["reading 1"]},
                       "first_day": {"type": "string", "format": "date"}, "last_day": {"type": "string", "format": "date"},
                       "title": {"type": "string"}, "refs": {"type": "array", "items": {"type": "string"}},
                       "penalties": {"type": "array"}, "languages": {"type": "object"}, "outlets": {"type": "object"},
                       "sources": {"type": "array", "description": "Its articles grouped by language", "items": {
                           "type": "object", "properties": {"language": {"type": "string"}, "articles": {"type": "array"}}}}}}
    schemas["Tracker"] = {"type": "object", "required": ["tracks", "countries"], "properties": {
        "filters": {"type": "object"}, "tracks": {"type": "integer"},
        "countries": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "tracks": {"type": "array", "items": {"type": "object", "description":
                "One instrument track: current stage and day, history, penalties in short, sources by language "
                "and outlet, and `steps`, its developments oldest first", "properties": {
                    "steps": {"type": "array", "items": {"$ref": "#/components/schemas/Development"}}}}}}}}}}
    schemas["Error"] = {"type": "object", "required": ["error", "status"], "properties": {
        "error": {"type": "string", "description": "What to correct"}, "status": {"type": "integer"}}}
    return schemas


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


ERRORS = {
    "400": _ok("Error", "A parameter is wrong; the message says which and why"),
    "401": _ok("Error", "An access token is required (the server runs with --token)"),
    "503": _ok("Error", "The store (SQLite file or Elasticsearch) cannot answer"),
}


def openapi_document(version: str) -> dict[str, Any]:
    listing = {"parameters": ALL_PARAMETERS}
    return {
        "openapi": "3.1.0",
        "info": {"title": "lexwatch API", "version": version,
                 "description": "Search and chart news about deepfake and AI-media regulation. The web page "
                                "at / takes the same parameters and renders these same answers."},
        "servers": [{"url": "/"}],
        "components": {"schemas": _components(), "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer", "description": "Only when the server runs with --token"}}},
        "paths": {
            "/api/search": {"get": {"operationId": "search", "summary": "Matching articles, one page",
                                    **listing, "responses": {"200": _ok("SearchResult", "A page of hits"), **ERRORS}}},
            "/api/timeline": {"get": {"operationId": "timeline", "summary": "Matching articles per date bucket",
                                      **listing, "responses": {"200": _ok("Timeline", "Buckets"), **ERRORS}}},
            "/api/facets": {"get": {"operationId": "facets", "summary": "Counts behind the filter choices",
                                    **listing, "responses": {"200": _ok("Facets", "Counts per filter value"), **ERRORS}}},
            "/api/article/{id}": {"get": {
                "operationId": "article", "summary": "One article with all its tags",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[0-9a-f]{24}$"}}],
                "responses": {"200": _ok("ArticleView", "The article"),
                              "404": _ok("Error", "No such article"), **ERRORS}}},
            "/api/tracker": {"get": {
                "operationId": "tracker", "summary": "Instrument tracks by country, each with its dated steps",
                "parameters": [
                    _param("country", "Two-letter jurisdiction code; repeatable.", {"type": "string"}, many=True),
                    _param("stage", "Current stage of the track; repeatable.", {"type": "string", "enum": list(STAGES)}, many=True),
                    _param("since", "Tracks with a development on or after this day.", {"type": "string", "format": "date"}),
                    _param("instrument", "Instrument key or name in any language; repeatable.", {"type": "string"}, many=True)],
                "responses": {"200": _ok("Tracker", "The tracks"), **ERRORS}}},
            "/api/development/{id}": {"get": {
                "operationId": "development", "summary": "One development with its sources in every language",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[0-9a-f]{20}$"}}],
                "responses": {"200": _ok("Development", "The development"),
                              "404": _ok("Error", "No such development"), **ERRORS}}},
            "/api/openapi.json": {"get": {"operationId": "openapi", "summary": "This description",
                                          "responses": {"200": {"description": "OpenAPI 3.1 document"}}}},
        },
    }
