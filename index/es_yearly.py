"""The yearly layout of the Elasticsearch store: one index per year of the local publication day.

`<alias>-v<N>-2025`, …, `<alias>-v<N>-undated` for articles without a date, made from the index template
`<alias>-v<N>` (pattern `<alias>-v<N>-*`). A write goes to its year's index and deletes the copy an
earlier version left in another year's; lookups by id are searches (an alias over several indices
allows no GET). For corpora of tens of millions: old years stop taking writes, shards spread over the
nodes (docs/scale.md). A mixin of ElasticsearchStore (index/es_store.py), which holds the client,
the alias and the single layout.
"""
from __future__ import annotations

from typing import Any

from lexwatch.article import Article
from lexwatch.index.es_documents import BATCH, mapping_file, to_document
from lexwatch.index.es_errors import bulk_reason, error_type
from lexwatch.index.store import UpsertReport

SINGLE, YEARLY = "single", "yearly"
LAYOUTS = (SINGLE, YEARLY)
UNDATED = "undated"


class YearlyLayout:
    """The yearly layout's index template, year indices and writes (ElasticsearchStore's part)."""

    def _put_template(self, version: int, live: bool) -> None:
        """The index template `<alias>-v<N>` for `<alias>-v<N>-*`: settings and mapping (and the
        alias, once this generation is the live one, so that an index made by a write joins it)."""
        spec = mapping_file()
        name = self.index_name(version)
        template: dict[str, Any] = {"settings": {**spec["settings"], **self.index_settings},
                                    "mappings": spec["mappings"]}
        if live:
            template["aliases"] = {self.alias: {}}
        with self._guard(f"writing index template {name}"):
            self.es.indices.put_index_template(
                name=name, index_patterns=[f"{name}-*"], template=template, priority=100,
                meta={"lexwatch": f"yearly indices behind the alias {self.alias}", "live": live})

    def _start_yearly(self, version: int, live: bool) -> None:
        """Template plus the `-undated` index, which anchors the alias before any dated article."""
        self._put_template(version, live)
        self._ensure_year_index(f"{self.index_name(version)}-{UNDATED}", live)

    def _ensure_year_index(self, name: str, live: bool = True) -> None:
        if name in self._known:
            return
        from elasticsearch import BadRequestError
        with self._guard(f"creating index {name}"):
            try:  # settings and mapping come from the template
                self.es.indices.create(index=name, aliases={self.alias: {}} if live else None,
                                       wait_for_active_shards="1")
            except BadRequestError as exc:
                if error_type(exc) != "resource_already_exists_exception":
                    raise
        self._known.add(name)

    def year_index(self, doc: dict[str, Any], version: int) -> str:
        day = doc.get("published_day")
        return f"{self.index_name(version)}-{day[:4] if day else UNDATED}"

    def _locate(self, ids: list[str], fields: list[str]) -> dict[str, list[tuple[str, dict[str, Any]]]]:
        """id -> [(index, selected source fields)] of the stored copies, by search (yearly layout)."""
        out: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            with self._guard("looking up stored documents"):
                resp = self.es.search(index=self.alias, query={"ids": {"values": chunk}}, size=2 * len(chunk),
                                      source_includes=fields or ["id"], ignore_unavailable=True,
                                      allow_no_indices=True, track_total_hits=False)
            for hit in resp["hits"]["hits"]:
                out.setdefault(hit["_id"], []).append((hit["_index"], hit.get("_source", {})))
        return out

    def _upsert_yearly(self, batch: list[Article], replace: bool, version: int) -> UpsertReport:
        from elasticsearch import helpers
        report = UpsertReport()
        located = self._locate(sorted({a.id for a in batch}), ["content_hash"])
        writes: dict[str, dict[str, Any]] = {}   # id -> document (the last one of the batch wins)
        for article in batch:
            copies = located.get(article.id, [])
            try:
                doc = to_document(article)
            except (ValueError, TypeError) as exc:
                report.errors.append((article.id, f"{article.url}: {exc}"))
                continue
            target = self.year_index(doc, version)
            if not replace and article.id not in writes and len(copies) == 1 and copies[0][0] == target \
                    and copies[0][1].get("content_hash") == article.content_hash:
                report.unchanged += 1
                continue
            if article.id in writes and writes[article.id]["content_hash"] == article.content_hash:
                report.unchanged += 1   # a repeat later in the batch
                continue
            writes[article.id] = doc
        if not writes:
            return report
        actions: list[dict[str, Any]] = []
        for doc_id, doc in writes.items():
            target = self.year_index(doc, version)
            self._ensure_year_index(target)
            actions.append({"_op_type": "index", "_index": target, "_id": doc_id, "_source": doc})
            # the copy an earlier version left in another year's index goes (published_at moved)
            actions += [{"_op_type": "delete", "_index": index, "_id": doc_id}
                        for index, _ in located.get(doc_id, []) if index != target]
        with self._guard("bulk indexing"):
            # Always refreshed: a yearly store finds a document's current index by search, which only
            # sees refreshed documents, so turning refresh off could leave a moved article twice.
            for ok, item in helpers.streaming_bulk(
                    self.es, actions, chunk_size=BATCH, max_chunk_bytes=20 * 1024 * 1024,
                    raise_on_error=False, raise_on_exception=False, max_retries=3, initial_backoff=1,
                    max_backoff=30, refresh=True):
                kind, op = next(iter(item.items()))
                if kind == "delete":
                    if not ok and op.get("status") != 404:
                        report.errors.append((str(op.get("_id")), "left a copy in " + str(op.get("_index"))
                                              + ": " + bulk_reason(op)))
                elif not ok:
                    report.errors.append((str(op.get("_id")), bulk_reason(op)))
                elif op.get("_id") in located:
                    report.updated += 1
                else:
                    report.created += 1
        return report
