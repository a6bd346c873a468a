"""Developments in the Elasticsearch store: an index of their own, `<alias>-developments-v<N>` behind
the alias `<alias>-developments`, mapped by index/es_developments_mapping.json (the Kibana
developments data view reads it). Members are stored, not indexed; `article_ids` and
`linked_ids` are keywords, so the GROUP step finds what a new article touches by a terms query.
Settings: the store URL's alias (developments follow their articles' alias).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from lexwatch.developments.model import Development, DevelopmentQuery

MAPPING_PATH = Path(__file__).with_name("es_developments_mapping.json")
DERIVED = ("linked_ids", "language_list", "outlet_list", "sources", "track_label")
_TERMS = 10_000          # ids per terms clause (ES's default max_terms_count is 65,536)


@lru_cache(maxsize=1)
def mapping_file() -> dict[str, Any]:
    return json.loads(MAPPING_PATH.read_text(encoding="utf-8"))


def to_document(dev: Development) -> dict[str, Any]:
    doc = dev.to_dict(members=True)
    doc["linked_ids"] = dev.linked_ids
    doc["language_list"] = sorted(dev.languages)
    doc["outlet_list"] = sorted(dev.outlets)
    doc["sources"] = len(dev.article_ids)
    doc["track_label"] = f"{dev.jurisdiction or '--'} · {dev.instrument_label}"   # Kibana stacks tracks by it
    return doc


def from_source(source: dict[str, Any]) -> Development:
    return Development.from_dict({k: v for k, v in source.items() if k not in DERIVED})


class EsDevelopments:
    def __init__(self, es, alias: str, refresh: bool | str = True) -> None:
        self.es = es
        self.alias = f"{alias}-developments"
        self.refresh = refresh
        self._ready = False

    @property
    def index(self) -> str:
        return f"{self.alias}-v{mapping_file()['version']}"

    def ensure(self) -> None:
        if self._ready:
            return
        if not self.es.indices.exists_alias(name=self.alias):
            spec = mapping_file()
            if not self.es.indices.exists(index=self.index):
                self.es.indices.create(index=self.index, settings=spec["settings"], mappings=spec["mappings"],
                                       aliases={self.alias: {}})
            else:
                self.es.indices.put_alias(index=self.index, name=self.alias)
        self._ready = True

    def _scan(self, query: dict[str, Any], members: bool = True) -> Iterator[Development]:
        """Every match in (first_day, id) order, by search_after pages."""
        self.ensure()
        after = None
        source: Any = True if members else {"excludes": ["members"]}
        while True:
            kwargs = {"search_after": after} if after else {}
            res = self.es.search(index=self.alias, query=query, size=1000, sort=[{"first_day": "asc"}, {"id": "asc"}],
                                 source=source, **kwargs)
            hits = res["hits"]["hits"]
            for hit in hits:
                yield from_source(hit["_source"])
            if len(hits) < 1000:
                return
            after = hits[-1]["sort"]

    def touching(self, article_ids: list[str], blocks: list[str]) -> list[Development]:
        should: list[dict[str, Any]] = []
        for i in range(0, len(article_ids), _TERMS):
            chunk = article_ids[i:i + _TERMS]
            should += [{"terms": {"article_ids": chunk}}, {"terms": {"linked_ids": chunk}}]
        for i in range(0, len(blocks), _TERMS):
            should.append({"terms": {"block": blocks[i:i + _TERMS]}})
        if not should:
            return []
        return list(self._scan({"bool": {"should": should, "minimum_should_match": 1}}))

    def replace(self, remove_ids: list[str], developments: list[Development]) -> None:
        from elasticsearch.helpers import bulk
        self.ensure()
        keep = {d.id for d in developments}
        actions = [{"_op_type": "delete", "_index": self.index, "_id": i} for i in remove_ids if i not in keep]
        actions += [{"_op_type": "index", "_index": self.index, "_id": d.id, "_source": to_document(d)}
                    for d in developments]
        if actions:
            _, errors = bulk(self.es, actions, raise_on_error=False, refresh=self.refresh)
            failed = [e for e in errors if "delete" not in e or e["delete"].get("status") != 404]
            if failed:
                raise RuntimeError(f"{len(failed)} development write(s) refused, first: {json.dumps(failed[0])[:300]}")

    def list(self, query: DevelopmentQuery | None, members: bool) -> list[Development]:
        query = query or DevelopmentQuery()
        filters: list[dict[str, Any]] = []
        for field, values in (("jurisdiction", query.jurisdictions), ("instrument", query.instruments),
                              ("track_id", query.track_ids), ("id", query.ids)):
            if values:
                filters.append({"terms": {field: values}})
        if query.since:
            filters.append({"range": {"last_day": {"gte": query.since}}})
        return list(self._scan({"bool": {"filter": filters}} if filters else {"match_all": {}}, members))

    def clear(self) -> None:
        # a fresh index rather than delete-by-query (a module the minimal distribution lacks)
        self.drop()
        self.ensure()

    def drop(self) -> None:
        self.es.indices.delete(index=f"{self.alias}-v*", allow_no_indices=True, expand_wildcards="all")
        self._ready = False
