"""The Elasticsearch store: the same answers as the SQLite store, on a server.

Settings: the store URL `http(s)://host:9200[,host2:9200…][/alias][?layout=yearly&shards=N&replicas=N]`
(alias default `lexwatch`; several hosts: the client fails over between the nodes of a cluster).
Documents live in versioned indices reached through the alias `<alias>`; their settings and mapping
are index/es_mapping.json (shards/replicas from the URL override it), created lazily on the first write.
Two layouts behind the alias, found on the server (the URL's `layout` only decides a new store's):
- single (default): one index `<alias>-v<N>`, this module;
- yearly: one index per year of the local publication day, index/es_yearly.py.
Beside it: es_documents.py (mapping file, Article -> document), es_migrate.py (new generation, alias
swap), es_errors.py (client errors as one line), es_query.py (filters and query as query DSL).
"""
from __future__ import annotations

import logging
import re
import time
from datetime import date
from typing import Any, Iterable, Iterator
from urllib.parse import parse_qs, urlsplit

from lexwatch.article import Article, article_id
from lexwatch.index.es_connection import connect, es_access
from lexwatch.index.es_documents import (BATCH, SOURCE_EXCLUDES, from_source, mapping_file, mapping_version,
                                         to_document)
from lexwatch.index.es_errors import bulk_reason, error_type, guard
from lexwatch.index.es_migrate import Migration
from lexwatch.index.es_query import build_query
from lexwatch.index.es_yearly import LAYOUTS, SINGLE, UNDATED, YEARLY, YearlyLayout
from lexwatch.index.highlight import snippet
from lexwatch.index.query import parse_query
from lexwatch.index.store import (MAX_PAGE_SIZE, MAX_RESULT_WINDOW, Filters, Hit, SearchResult, Store, StoreError,
                                  Timeline, UpsertReport, batched, check_args, check_timeline_args)
from lexwatch.index.timebuckets import bucket_starts
from lexwatch.urls import canonical_url, redact_url

logger = logging.getLogger(__name__)

DEFAULT_ALIAS = "lexwatch"
TERMS_SIZE = 500            # split keys per timeline bucket (jurisdictions, stages, outlets, languages)
SPLIT_FIELDS = {"jurisdiction": "deepfake.jurisdictions", "stage": "deepfake.stage",
                "outlet": "outlet", "language": "language"}
_ALIAS = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,200}$")


class ElasticsearchStore(YearlyLayout, Migration, Store):
    """Idempotent by Article.id (the document _id); unchanged content_hash = no write."""

    def __init__(self, url: str, *, request_timeout: float = 30, max_retries: int = 2,
                 refresh: bool | str = True) -> None:
        access = es_access(url)   # hosts, credentials, TLS trust (index/es_connection.py)
        parts, shown = urlsplit(url), redact_url(url)
        alias = parts.path.strip("/") or DEFAULT_ALIAS
        if not _ALIAS.match(alias):
            raise StoreError(f"store URL {shown!r}: {alias!r} is not a valid index alias "
                             "(lower-case letters, digits, '_', '-', '.')")
        self.layout, self.index_settings = _url_options(shown, parts.query)
        self.url = url
        self.alias = alias
        self.base_url, self.auth = access.base_url, access.auth   # + "/alias" is a store URL
        self.refresh = refresh
        self.es, _ = connect(url, access, request_timeout=request_timeout, max_retries=max_retries,
                             retry_on_timeout=True)
        self._ready = False
        self._unrefreshed = False   # bulk writes made with refresh off, not yet refreshed
        # None: Elasticsearch's default (timelines, being size-0 searches, are answered from the shard
        # request cache when repeated); the benchmark turns it off to compare the engines' work.
        self.request_cache: bool | None = None
        self._generation: tuple[int, str] | None = None   # (mapping version, layout) once known
        self._known: set[str] = set()                     # yearly indices known to exist

    # -- errors --------------------------------------------------------------------------------
    def _guard(self, action: str):
        """Client exceptions become one-line StoreErrors that name the server (index/es_errors.py)."""
        return guard(self.base_url, action, self.auth)

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
                if error_type(exc) != "resource_already_exists_exception":
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
            self._developments.drop()
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
                report.errors.append((str(op.get("_id")), bulk_reason(op)))
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
                                     f"{bulk_reason(op)}")
        return deleted

    # -- reading -------------------------------------------------------------------------------
    def get(self, article_id_: str) -> Article | None:
        from elasticsearch import NotFoundError
        if self._layout() == YEARLY:
            with self._guard("get"):
                resp = self.es.search(index=self.alias, query={"ids": {"values": [article_id_]}}, size=1,
                                      source_excludes=SOURCE_EXCLUDES, ignore_unavailable=True,
                                      allow_no_indices=True)
            hits = resp["hits"]["hits"]
            return from_source(hits[0]["_source"]) if hits else None
        with self._guard("get"):
            try:
                resp = self.es.get(index=self.alias, id=article_id_, source_excludes=SOURCE_EXCLUDES)
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
                                  track_scores=relevance, source_excludes=SOURCE_EXCLUDES,
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
                        search_after=after, source_excludes=SOURCE_EXCLUDES, track_total_hits=False)
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
        problem = ""
        for attempt in range(attempts):
            try:
                with self._guard("refreshing"):
                    answer = self.es.options(ignore_status=404).indices.refresh(index=self.alias)
                if "_shards" not in answer:   # 404: no index behind the alias, nothing was written
                    self._unrefreshed = False
                    return
                shards = answer["_shards"]
                wanted = self._primaries()
            except StoreError as exc:
                problem = str(exc)
            else:
                if not shards.get("failed") and shards.get("successful", 0) >= wanted:
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

    # -- developments: index/es_developments.py -----------------------------------------------
    @property
    def _developments(self):
        from lexwatch.index.es_developments import EsDevelopments
        if not hasattr(self, "_developments_index"):
            self._developments_index = EsDevelopments(self.es, self.alias, self.refresh)
        return self._developments_index

    def developments_touching(self, article_ids, blocks):
        with self._guard("reading developments"):
            return self._developments.touching(article_ids, blocks)

    def replace_developments(self, remove_ids, developments):
        with self._guard("writing developments"):
            self._developments.replace(remove_ids, developments)

    def list_developments(self, query=None, members=True):
        with self._guard("reading developments"):
            return self._developments.list(query, members)

    def clear_developments(self):
        with self._guard("deleting developments"):
            self._developments.clear()

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
