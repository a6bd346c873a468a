"""Migrations of the Elasticsearch store: a new index generation, filled, then the alias swapped.

Versioned indices behind an alias (elasticsearch-dsl's alias_migration pattern): create
`<alias>-v<N+1>` from es_mapping.json, copy every document, move the alias in one update_aliases call.
Also moves a store between the single and the yearly layout (index/es_yearly.py). A mixin of
ElasticsearchStore (index/es_store.py).
"""
from __future__ import annotations

from typing import Any, Iterator

from lexwatch.index.es_documents import BATCH, mapping_version, to_document
from lexwatch.index.es_errors import bulk_reason
from lexwatch.index.es_yearly import LAYOUTS, SINGLE, UNDATED, YEARLY
from lexwatch.index.store import StoreError


class Migration:
    """`lexwatch`'s mapping upgrades and layout moves (ElasticsearchStore's part)."""

    def migrate(self, version: int | None = None, delete_old: bool = True, layout: str | None = None) -> str:
        """Copy every document into a new index `<alias>-v<version>` built from es_mapping.json, then
        move the alias in one atomic update_aliases call. Returns the new index name.

        Documents are rebuilt from their Article record (so derived fields use today's nlp.morph)
        and copied client-side: the pinned server has no reindex module. Writers should be paused
        while it runs: writes that reach the old index after the copy started are not carried over.
        `layout` (single or yearly; default: the current one) moves a store between the layouts;
        for the yearly one the return value names the generation `<alias>-v<N>` of its indices.
        """
        found = self.generation()
        old_version, old_layout, old_names = found if found else (0, None, [])
        layout = layout or old_layout or self.layout
        if layout not in LAYOUTS:
            raise StoreError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
        version = version if version is not None else max(old_version + 1, mapping_version())
        new = self.index_name(version)
        old = ",".join(old_names)
        if version == old_version:
            raise StoreError(f"{self.alias!r} already points at {new}")
        if layout == YEARLY:
            return self._migrate_yearly(version, old_names, old_layout, delete_old)
        from elasticsearch import NotFoundError
        with self._guard(f"creating index {new}"):
            if self.es.indices.exists(index=new):
                raise StoreError(f"index {new} already exists on {self.base_url}; delete it or pick another version")
        self._create_index(new, None)
        if old:
            with self._guard(f"copying {old} to {new}"):
                report = self._bulk_index(new, (to_document(a) for a in self._scan(old, {"match_all": {}})))
            if report.errors:
                raise StoreError(f"migration to {new} failed for {len(report.errors)} document(s), first: "
                                 f"{report.errors[0][0]}: {report.errors[0][1]}; the alias still points at {old}")
            actions = [{"remove": {"index": o, "alias": self.alias}} for o in old_names]
            actions.append({"add": {"index": new, "alias": self.alias}})
        else:
            actions = [{"add": {"index": new, "alias": self.alias}}]
        with self._guard("swapping the alias"):
            self.es.indices.update_aliases(actions=actions)
            if old and delete_old:
                try:
                    self.es.indices.delete(index=old)
                except NotFoundError:
                    pass
                if old_layout == YEARLY:
                    self._delete_template(old_version)
        self._ready = True
        self._generation = (version, SINGLE)
        return new

    def _migrate_yearly(self, version: int, old_names: list[str], old_layout: str | None,
                        delete_old: bool) -> str:
        """migrate() into the yearly layout: template, year indices outside the alias, copy, swap."""
        from elasticsearch import NotFoundError
        new = self.index_name(version)
        with self._guard(f"creating indices {new}-*"):
            if self.es.indices.get(index=f"{new}-*", allow_no_indices=True, ignore_unavailable=True):
                raise StoreError(f"indices {new}-* already exist on {self.base_url}; delete them or pick another version")
        self._start_yearly(version, live=False)
        created = {f"{new}-{UNDATED}"}
        if old_names:
            def docs() -> Iterator[dict[str, Any]]:
                for article in self._scan(",".join(old_names), {"match_all": {}}):
                    yield to_document(article)
            from elasticsearch import helpers
            errors = []

            def actions() -> Iterator[dict[str, Any]]:
                for doc in docs():
                    target = self.year_index(doc, version)
                    if target not in created:
                        self._ensure_year_index(target, live=False)
                        created.add(target)
                    yield {"_op_type": "index", "_index": target, "_id": doc["id"], "_source": doc}
            with self._guard(f"copying {','.join(old_names)} to {new}-*"):
                for ok, item in helpers.streaming_bulk(self.es, actions(), chunk_size=BATCH, raise_on_error=False,
                                                       raise_on_exception=False, max_retries=3, refresh=True):
                    if not ok:
                        op = next(iter(item.values()))
                        errors.append((op.get("_id"), bulk_reason(op)))
            if errors:
                raise StoreError(f"migration to {new}-* failed for {len(errors)} document(s), first: "
                                 f"{errors[0][0]}: {errors[0][1]}; the alias still points at {','.join(old_names)}")
        actions_ = [{"remove": {"index": o, "alias": self.alias}} for o in old_names]
        actions_ += [{"add": {"index": n, "alias": self.alias}} for n in sorted(created)]
        with self._guard("swapping the alias"):
            self.es.indices.update_aliases(actions=actions_)
        self._put_template(version, live=True)   # a year's first article now joins the alias
        if old_names and delete_old:
            with self._guard("deleting the old indices"):
                try:
                    self.es.indices.delete(index=",".join(old_names))
                except NotFoundError:
                    pass
            if old_layout == YEARLY:
                self._delete_template(int(old_names[0][len(self.alias) + 2:].split("-", 1)[0]))
        self._ready = True
        self._generation = (version, YEARLY)
        return new

    def _delete_template(self, version: int) -> None:
        from elasticsearch import NotFoundError
        with self._guard("deleting an index template"):
            try:
                self.es.indices.delete_index_template(name=self.index_name(version))
            except NotFoundError:
                pass
