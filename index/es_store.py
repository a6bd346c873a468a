"""The Elasticsearch store: the same answers as the SQLite store, on a server.

Settings: the store URL `http(s)://host:9200[,host2:9200…][/alias][?layout=yearly&shards=N&replicas=N]`
(alias default `lexwatch`; several hosts: the client fails over between the nodes of a cluster).
Documents live in versioned indices reached through the alias `<alias>`; their settings and mapping
are index/es_mapping.json (shards/replicas from the URL override it), created lazily on the first write.
Two layouts behind the alias, found on the server (the URL's `layout` only decides a new store's):
- single (default): one index `<alias>-v<N>`;
- yearly: one index per year of the local publication day, `<alias>-v<N>-2025`, `…-undated` for
  articles without a date, made from the index template `<alias>-v<N>` (pattern `<alias>-v<N>-*`).
  A write goes to its year's index and deletes the copy an earlier version left in another year's;
  lookups by id are searches (an alias over several indices allows no GET). For corpora of tens of
  millions: old years stop taking writes, shards spread over the nodes. docs/scale.md.
Why a `lemmas` field: matching must equal the SQLite store's, so nlp.morph computes the index keys
of documents and query words for both stores, and ES only splits them on whitespace. Why a
`published_day` field: day bounds and timeline buckets use the article's local publication day.
"""
from __future__ import annotations

import json
import logging
import re
import time
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import parse_qs, urlsplit, urlunsplit

from lexwatch.index.highlight import snippet
from lexwatch.index.es_query import build_query
from lexwatch.index.query import parse_query
from lexwatch.index.store import (MAX_PAGE_SIZE, MAX_RESULT_WINDOW, Filters, Hit, SearchResult, Store, StoreError,
                         Timeline, UpsertReport, batched, check_args, check_timeline_args)
from lexwatch.index.timebuckets import bucket_starts, published_day
from lexwatch.article import Article, article_id
from lexwatch.urls import canonical_url
from lexwatch.nlp.morph import lemma_text

logger = logging.getLogger(__name__)

MAPPING_PATH = Path(__file__).with_name("es_mapping.json")
DEFAULT_ALIAS = "lexwatch"
DERIVED_FIELDS = ("lemmas", "published_day")
BATCH = 500                 # documents per mget / bulk request
TERMS_SIZE = 500            # split keys per timeline bucket (jurisdictions, stages, outlets, languages)
SPLIT_FIELDS = {"jurisdiction": "deepfake.jurisdictions", "stage": "deepfake.stage",
                "outlet": "outlet", "language": "language"}
_ALIAS = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,200}$")
SINGLE, YEARLY = "single", "yearly"
LAYOUTS = (SINGLE, YEARLY)
UNDATED = "undated"
_SOURCE_EXCLUDES = list(DERIVED_FIELDS)


@lru_cache(maxsize=1)
def mapping_file() -> dict[str, Any]:
    return json.loads(MAPPING_PATH.read_text(encoding="utf-8"))


def mapping_version() -> int:
    return int(mapping_file()["mapping_version"])


def mapping_fields(properties: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted names of the mapped fields (objects and nested objects included, multi-fields not)."""
    out = set()
    for name, spec in properties.items():
        out.add(prefix + name)
        if "properties" in spec:
            out |= mapping_fields(spec["properties"], prefix + name + ".")
    return out


def to_document(article: Article) -> dict[str, Any]:
    """The indexed document: the Article record plus the derived fields. Raises ValueError on bad dates."""
    doc = article.to_dict()
    for name in ("published_at", "modified_at", "fetched_at"):
        if doc.get(name):
            datetime.fromisoformat(doc[name].replace("Z", "+00:00"))  # ValueError, reported per article
    doc["published_day"] = published_day(article.published_at)
    doc["lemmas"] = lemma_text(f"{article.title}\n{article.body}", article.language)
    return doc


def from_source(source: dict[str, Any]) -> Article:
    return Article.from_dict({k: v for k, v in source.items() if k not in DERIVED_FIELDS})


class ElasticsearchStore(Store):
    """Idempotent by Article.id (the document _id); unchanged content_hash = no write."""

    def __init__(self, url: str, *, request_timeout: float = 30, max_retries: int = 2,
                 refresh: bool | str = True) -> None:
        parts = urlsplit(url)
        netlocs = [n.strip() for n in parts.netloc.split(",")]
        if parts.scheme not in ("http", "https") or not all(netlocs) or not parts.hostname:
            raise StoreError(f"store URL {url!r} is not http(s)://host:9200[/alias]")
        alias = parts.path.strip("/") or DEFAULT_ALIAS
        if not _ALIAS.match(alias):
            raise StoreError(f"store URL {url!r}: {alias!r} is not a valid index alias "
                             "(lower-case letters, digits, '_', '-', '.')")
        self.layout, self.index_settings = _url_options(url, parts.query)
        self.url = url
        self.alias = alias
        hosts = [urlunsplit((parts.scheme, n, "", "", "")) for n in netlocs]
        self.base_url = urlunsplit((parts.scheme, ",".join(netlocs), "", "", ""))   # + "/alias" is a store URL
        self.refresh = refresh
        from elasticsearch import Elasticsearch
        self.es = Elasticsearch(hosts, request_timeout=request_timeout, max_retries=max_retries,
                                retry_on_timeout=True)
        self._ready = False
        self._unrefreshed = False   # bulk writes made with refresh off, not yet refreshed
        # None: Elasticsearch's default (timelines, being size-0 searches, are answered from the shard
        # request cache when repeated); the benchmark turns it off to compare the engines' work.
        self.request_cache: bool | None = None
        self._generation: tuple[int, str] | None = None   # (mapping version, layout) once known
        self._known: set[str] = set()                     # yearly indices known to exist

    # -- errors --------------------------------------------------------------------------------
    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn client exceptions into one-line StoreErrors that name the server."""
        from elastic_transport import ConnectionError as TransportConnectionError
        from elastic_transport import ConnectionTimeout, TransportError
        from elasticsearch import ApiError
        from elasticsearch.helpers import BulkIndexError
        try:
            yield
        except StoreError:
            raise
        except (TransportConnectionError, ConnectionTimeout) as exc:
            raise StoreError(f"Elasticsearch at {self.base_url} is unreachable ({action}): "
                             f"{_connection_reason(exc)}") from None
        except ApiError as exc:
            raise StoreError(f"Elasticsearch at {self.base_url} refused {action}: "
                             f"{exc.status_code} {_reason(exc)}") from None
        except (TransportError, BulkIndexError) as exc:
            raise StoreError(f"Elasticsearch at {self.base_url} failed {action}: {_one_line(exc)}") from None

    # -- index management --------------------------------------------------------------------
    def index_name(self, version: int | None = None) -> str:
        return f"{self.alias}-v{version if version is not None else mapping_version()}"

    def behind_alias(self) -> list[str]:
        """The concrete indices the alias names (sorted), [] before the first write."""
        from elasticsearch import NotFoundError
        with self._guard("reading the alias"):
            try:
                found = self.es.indices.get_alias(name=self.alias)
            except NotFoundError:
                return []
        names = sorted(found)
        if self.alias in names:
            raise StoreError(f"{self.alias!r} on {self.base_url} is a plain index, not a lexwatch alias")
        return names

    def generation(self) -> tuple[int, str, list[str]] | None:
        """(mapping version, layout, indices) of what the alias names, None before the first write."""
        names = self.behind_alias()
        if not names:
            return None
        yearly = re.compile(rf"^{re.escape(self.alias)}-v(\d+)-(\d{{4}}|{UNDATED})$")
        layout = YEARLY if all(yearly.match(n) for n in names) else SINGLE
        versions = [int(n[len(self.alias) + 2:].split("-", 1)[0]) for n in names
                    if n.startswith(self.alias + "-v") and n[len(self.alias) + 2:].split("-", 1)[0].isdigit()]
        self._generation = (max(versions, default=0), layout)
        return self._generation[0], layout, names

    def current_index(self) -> str | None:
        """A concrete index behind the alias: the only one (single layout) or the last name of the
        generation (yearly layout: its `-undated` index; they all share one mapping), or None
        before the first write. generation() tells the version and layout."""
        found = self.generation()
        return found[2][-1] if found else None

    def _layout(self) -> str | None:
        """The layout of what the alias names (cached), None before the first write."""
        if self._generation is None:
            self.generation()
        return self._generation[1] if self._generation else None

    def _create_index(self, name: str, alias: str | None) -> None:
        spec = mapping_file()
        from elasticsearch import BadRequestError
        with self._guard(f"creating index {name}"):
            try:
                self.es.indices.create(index=name, settings={**spec["settings"], **self.index_settings},
                                       mappings=spec["mappings"],
                                       aliases={alias: {}} if alias else None, wait_for_active_shards="1")
            except BadRequestError as exc:
                if _error_type(exc) != "resource_already_exists_exception":
                    raise

    def ensure_index(self) -> str:
        """Create `<alias>-v<N>` behind the alias unless the alias exists (called before writes)."""
        if self._ready:
            return self.alias
        if self.generation() is None:
            with self._guard("checking the index"):
                plain = self.es.indices.exists(index=self.alias)
            if plain:
                raise StoreError(f"{self.alias!r} on {self.base_url} is a plain index, not a lexwatch alias")
            if self.layout == YEARLY:
                self._start_yearly(mapping_version(), live=True)
            else:
                self._create_index(self.index_name(), self.alias)
            self.generation()
        self._ready = True
        return self.alias

    # -- yearly layout ---------------------------------------------------------------------
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
                if _error_type(exc) != "resource_already_exists_exception":
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
                                              + ": " + _bulk_reason(op)))
                elif not ok:
                    report.errors.append((str(op.get("_id")), _bulk_reason(op)))
                elif op.get("_id") in located:
                    report.updated += 1
                else:
                    report.created += 1
        return report

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
                        errors.append((op.get("_id"), _bulk_reason(op)))
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

    def drop(self) -> None:
        """Delete every `<alias>-v*` index, their templates and the alias (tests, `reset`)."""
        from elasticsearch import NotFoundError
        with self._guard("deleting indices"):
            self.es.indices.delete(index=f"{self.alias}-v*", allow_no_indices=True, expand_wildcards="all")
            try:
                templates = self.es.indices.get_index_template(name=f"{self.alias}-v*")["index_templates"]
            except NotFoundError:
                templates = []
            for template in templates:
                self.es.indices.delete_index_template(name=template["name"])
        self._ready = False
        self._generation = None
        self._known.clear()

    # -- writing -------------------------------------------------------------------------------
    def _stored(self, ids: list[str], fields: list[str]) -> dict[str, dict[str, Any]]:
        """id -> selected source fields of the stored ones among `ids` (one mget)."""
        if not ids:
            return {}
        if self._layout() == YEARLY:
            return {i: copies[0][1] for i, copies in self._locate(ids, fields).items()}
        from elasticsearch import NotFoundError
        with self._guard("reading stored hashes"):
            try:
                resp = self.es.mget(index=self.alias, ids=ids, source_includes=fields)
            except NotFoundError:   # no index yet
                return {}
        return {d["_id"]: d.get("_source", {}) for d in resp["docs"] if d.get("found")}

    def _bulk_index(self, index: str, docs: Iterable[dict[str, Any]]) -> UpsertReport:
        from elasticsearch import helpers
        report = UpsertReport()
        actions = ({"_op_type": "index", "_index": index, "_id": d["id"], "_source": d} for d in docs)
        self._unrefreshed = self._unrefreshed or not self.refresh
        for ok, item in helpers.streaming_bulk(
                self.es, actions, chunk_size=BATCH, max_chunk_bytes=20 * 1024 * 1024,
                raise_on_error=False, raise_on_exception=False, max_retries=3, initial_backoff=1,
                max_backoff=30, refresh=self.refresh):
            op = next(iter(item.values()))
            if ok:
                if op.get("result") == "created":
                    report.created += 1
                else:
                    report.updated += 1
            else:
                report.errors.append((str(op.get("_id")), _bulk_reason(op)))
        return report

    def upsert(self, articles: Iterable[Article], replace: bool = False) -> UpsertReport:
        """Index new and changed articles; `replace` rewrites even those whose text is unchanged
        (re-tagging). Per-document failures land in report.errors, the rest is written.

        A long stream is written in batches, pipelined: while Elasticsearch indexes one bulk request
        (in a writer thread, waiting on the network), the next batch's stored hashes are read and its
        documents built (lemmas), so the client's work hides behind the server's. Every write has
        finished, and its outcome is in the report, when this returns or raises."""
        from concurrent.futures import Future, ThreadPoolExecutor
        report = UpsertReport()
        pending: Future[UpsertReport] | None = None
        in_flight: dict[str, str] = {}   # id -> hash of the batch being written (not yet readable by mget)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="es-bulk") as writer:
            try:
                for batch in batched(articles, BATCH):
                    self.ensure_index()
                    if self._generation and self._generation[1] == YEARLY:
                        if pending is not None:
                            report += pending.result()
                            pending, in_flight = None, {}
                        report += self._upsert_yearly(batch, replace, self._generation[0])
                        continue
                    docs = self._documents(batch, replace, report, in_flight)
                    if pending is not None:
                        report += pending.result()
                    in_flight = {d["id"]: d["content_hash"] for d in docs}
                    pending = writer.submit(self._bulk_guarded, docs) if docs else None
                if pending is not None:
                    report += pending.result()
                    pending = None
            finally:
                if pending is not None:   # the caller's iterator or a build failed: let the write finish
                    pending.exception()
        return report

    def _documents(self, batch: list[Article], replace: bool, report: UpsertReport,
                   in_flight: dict[str, str]) -> list[dict[str, Any]]:
        """The batch's new and changed articles as documents; unchanged ones and bad ones are counted
        in `report`."""
        stored = {i: s.get("content_hash") for i, s in
                  self._stored(sorted({a.id for a in batch}), ["content_hash"]).items()}
        stored.update(in_flight)
        docs: list[dict[str, Any]] = []
        for article in batch:
            if not replace and stored.get(article.id) == article.content_hash:
                report.unchanged += 1
                continue
            try:
                docs.append(to_document(article))
            except (ValueError, TypeError) as exc:
                report.errors.append((article.id, f"{article.url}: {exc}"))
                continue
            stored[article.id] = article.content_hash   # a repeat later in the batch is unchanged
        return docs

    def _bulk_guarded(self, docs: list[dict[str, Any]]) -> UpsertReport:
        with self._guard("bulk indexing"):
            return self._bulk_index(self.alias, docs)

    def delete(self, ids: Iterable[str]) -> int:
        from elasticsearch import helpers
        ids = list(dict.fromkeys(ids))
        if not ids or self.current_index() is None:
            return 0
        deleted = 0
        if self._layout() == YEARLY:
            located = self._locate(ids, [])
            actions = ({"_op_type": "delete", "_index": index, "_id": i}
                       for i in ids for index, _ in located.get(i, []))
        else:
            actions = ({"_op_type": "delete", "_index": self.alias, "_id": i} for i in ids)
        with self._guard("deleting documents"):
            for ok, item in helpers.streaming_bulk(self.es, actions, chunk_size=BATCH, raise_on_error=False,
                                                   raise_on_exception=False, max_retries=3,
                                                   refresh=self.refresh):
                op = item.get("delete", {})
                if ok and op.get("result") == "deleted":
                    deleted += 1
                elif not ok and op.get("status") != 404:
                    raise StoreError(f"Elasticsearch at {self.base_url} could not delete {op.get('_id')}: "
                                     f"{_bulk_reason(op)}")
        return deleted

    # -- reading -------------------------------------------------------------------------------
    def get(self, article_id_: str) -> Article | None:
        from elasticsearch import NotFoundError
        if self._layout() == YEARLY:
            with self._guard("get"):
                resp = self.es.search(index=self.alias, query={"ids": {"values": [article_id_]}}, size=1,
                                      source_excludes=_SOURCE_EXCLUDES, ignore_unavailable=True,
                                      allow_no_indices=True)
            hits = resp["hits"]["hits"]
            return from_source(hits[0]["_source"]) if hits else None
        with self._guard("get"):
            try:
                resp = self.es.get(index=self.alias, id=article_id_, source_excludes=_SOURCE_EXCLUDES)
            except NotFoundError:
                return None
        return from_source(resp["_source"])

    def seen(self, url: str) -> bool:
        if self._layout() == YEARLY:
            return bool(self._locate([article_id(canonical_url(url))], []))
        with self._guard("checking a URL"):
            return bool(self.es.exists(index=self.alias, id=article_id(canonical_url(url))))

    def stored_hashes(self, urls: Iterable[str]) -> dict[str, str]:
        ids = sorted({article_id(canonical_url(u)) for u in urls})
        out: dict[str, str] = {}
        for start in range(0, len(ids), BATCH):
            for source in self._stored(ids[start:start + BATCH], ["canonical_url", "content_hash"]).values():
                out[source["canonical_url"]] = source["content_hash"]
        return out

    def count(self, query: str = "", filters: Filters | None = None) -> int:
        body = build_query(query, filters)
        with self._guard("count"):
            return int(self.es.count(index=self.alias, query=body, ignore_unavailable=True,
                                     allow_no_indices=True)["count"])

    def search(self, query: str = "", filters: Filters | None = None, sort: str = "date",
               page: int = 1, size: int = 20) -> SearchResult:
        check_args(sort, page, size)
        parsed = parse_query(query)
        body = build_query(parsed, filters)
        order: list[Any] = [{"published_at": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
        relevance = sort == "relevance" and bool(parsed.groups)
        if relevance:
            order = ["_score"] + order
        with self._guard("search"):
            resp = self.es.search(index=self.alias, query=body, sort=order, from_=(page - 1) * size,
                                  size=min(size, MAX_PAGE_SIZE), track_total_hits=True,
                                  track_scores=relevance, source_excludes=_SOURCE_EXCLUDES,
                                  ignore_unavailable=True, allow_no_indices=True)
        hits = []
        for h in resp["hits"]["hits"]:
            article = from_source(h["_source"])
            score = float(h["_score"]) if relevance and h.get("_score") is not None else 0.0
            hits.append(Hit(article, snippet(article.body, parsed, article.language), score))
        total = resp["hits"]["total"]["value"]
        return SearchResult(total=int(total), hits=hits, page=page, size=size)

    def timeline(self, query: str = "", filters: Filters | None = None, interval: str = "month",
                 split: str | None = None) -> Timeline:
        check_timeline_args(interval, split)
        histogram: dict[str, Any] = {"date_histogram": {
            "field": "published_day", "calendar_interval": interval, "min_doc_count": 1,
            "format": "yyyy-MM-dd"}}
        if split:
            histogram["aggs"] = {"split": {"terms": {"field": SPLIT_FIELDS[split], "size": TERMS_SIZE,
                                                     **({} if split == "jurisdiction" else {"missing": "none"})}}}
        with self._guard("timeline"):
            # min_doc_count 1: ES returns the non-empty buckets only; the empty ones between are added
            # here, as in the SQLite store, by bucket_starts, which refuses a span of millions of buckets
            cache = {} if self.request_cache is None else {"request_cache": self.request_cache}
            resp = self.es.search(index=self.alias, query=build_query(query, filters), size=0,
                                  aggs={"timeline": histogram}, ignore_unavailable=True, allow_no_indices=True,
                                  **cache)
        if not resp.get("aggregations"):
            return Timeline(interval=interval, split=split, buckets=[])
        present = {}
        for b in resp["aggregations"]["timeline"]["buckets"]:
            counts = {}
            if split:
                counts = {str(t["key"]): int(t["doc_count"]) for t in b["split"]["buckets"]}
            present[date.fromisoformat(b["key_as_string"])] = {"start": b["key_as_string"], "total": int(b["doc_count"]),
                                                               "counts": counts}
        buckets = [present.get(s) or {"start": s.isoformat(), "total": 0, "counts": {}}
                   for s in bucket_starts(present, interval)]
        return Timeline(interval=interval, split=split, buckets=buckets)

    def _scan(self, index: str, query: dict[str, Any], batch_size: int = 1000) -> Iterator[Article]:
        """Every matching article of `index` oldest first, via a point in time and search_after."""
        from elasticsearch import NotFoundError
        batch_size = max(1, min(batch_size, MAX_RESULT_WINDOW))
        with self._guard("opening a point in time"):
            try:
                pit = self.es.open_point_in_time(index=index, keep_alive="2m")["id"]
            except NotFoundError:
                return
        try:
            after = None
            while True:
                with self._guard("reading a batch"):
                    resp = self.es.search(
                        pit={"id": pit, "keep_alive": "2m"}, query=query, size=batch_size,
                        sort=[{"published_at": {"order": "asc", "missing": "_first"}}, {"id": "asc"}],
                        search_after=after, source_excludes=_SOURCE_EXCLUDES, track_total_hits=False)
                pit = resp.get("pit_id", pit)
                hits = resp["hits"]["hits"]
                if not hits:
                    return
                for h in hits:
                    yield from_source(h["_source"])
                after = hits[-1]["sort"]
        finally:
            try:
                self.es.close_point_in_time(id=pit)
            except Exception:  # the server may be gone; the PIT expires by itself
                pass

    def iterate(self, query: str = "", filters: Filters | None = None,
                batch_size: int = 1000) -> Iterator[Article]:
        yield from self._scan(self.alias, build_query(query, filters), batch_size)

    def make_searchable(self, attempts: int = 5) -> None:
        """Refresh the alias's indices when writes were made with refresh off, and check that every
        shard took the refresh: a shard that failed it (or was still starting after a restart) keeps
        recent documents out of search, so that is retried and then raised, never passed over."""
        if not self._unrefreshed:
            return
        from elasticsearch import NotFoundError
        problem = ""
        for attempt in range(attempts):
            try:
                with self._guard("refreshing"):
                    shards = self.es.indices.refresh(index=self.alias)["_shards"]
            except NotFoundError:   # nothing was ever indexed
                self._unrefreshed = False
                return
            except StoreError as exc:
                problem = str(exc)
            else:
                if not shards.get("failed") and shards.get("successful", 0) >= self._primaries():
                    self._unrefreshed = False
                    return
                problem = f"refresh reached {shards.get('successful')} of {shards.get('total')} shard copies"
            time.sleep(min(2 ** attempt, 10))
        raise StoreError(f"Elasticsearch at {self.base_url}: recent writes are not searchable yet ({problem})")

    def _primaries(self) -> int:
        """How many primary shards the alias's indices have (each must take a refresh)."""
        with self._guard("reading index settings"):
            settings = self.es.indices.get_settings(index=self.alias, name="index.number_of_shards")
        return sum(int(v["settings"]["index"]["number_of_shards"]) for v in settings.values())

    def close(self) -> None:
        """A last refresh for writes made with refresh off (callers that need the guarantee call
        make_searchable first and see its error); a failure here is logged, not raised."""
        try:
            self.make_searchable(attempts=1)
        except Exception as exc:
            logger.warning("%s", exc)
        try:
            self.es.close()
        except Exception:
            pass


def _url_options(url: str, query: str) -> tuple[str, dict[str, Any]]:
    """(layout, index setting overrides) from the store URL's query: layout, shards, replicas."""
    options = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    unknown = set(options) - {"layout", "shards", "replicas"}
    if unknown:
        raise StoreError(f"store URL {url!r}: unknown option(s) {', '.join(sorted(unknown))} "
                         "(known: layout, shards, replicas)")
    layout = options.get("layout", SINGLE)
    if layout not in LAYOUTS:
        raise StoreError(f"store URL {url!r}: layout must be one of {', '.join(LAYOUTS)}")
    settings: dict[str, Any] = {}
    for key, name in (("shards", "number_of_shards"), ("replicas", "number_of_replicas")):
        if key in options:
            if not options[key].isdigit() or (key == "shards" and int(options[key]) < 1):
                raise StoreError(f"store URL {url!r}: {key} must be a whole number")
            settings[name] = int(options[key])
    return layout, settings


# -- error text ---------------------------------------------------------------------------------
def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def _connection_reason(exc: BaseException) -> str:
    """The OS's reason ("[Errno 111] Connection refused", "timed out") without the wrapper chain."""
    text = _one_line(exc)
    found = re.search(r"\[Errno -?\d+\][^)'\"]*", text)
    if found:
        return found.group().strip()
    if "timed out" in text.lower() or "timeout" in type(exc).__name__.lower():
        return "timed out"
    return text


def _error_type(exc: Any) -> str:
    info = getattr(exc, "info", None) or getattr(exc, "body", None) or {}
    if isinstance(info, dict):
        return str((info.get("error") or {}).get("type", "")) if isinstance(info.get("error"), dict) else ""
    return ""


def _reason(exc: Any) -> str:
    info = getattr(exc, "info", None) or getattr(exc, "body", None)
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        err = info["error"]
        root = (err.get("root_cause") or [err])[0]
        return f"{root.get('type', '')}: {root.get('reason', '')}"[:300]
    return _one_line(exc)


def _bulk_reason(op: dict[str, Any]) -> str:
    err = op.get("error")
    if isinstance(err, dict):
        reason = f"{err.get('type', 'error')}: {err.get('reason', '')}"
        cause = err.get("caused_by")
        if isinstance(cause, dict) and cause.get("reason"):
            reason += f" ({cause['reason']})"
        return " ".join(reason.split())[:500]
    if err:
        return " ".join(str(err).split())[:500]
    return f"status {op.get('status')}"
