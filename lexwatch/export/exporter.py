"""Export the articles a query selects, streamed from Store.iterate, with a manifest beside the data.

The data and `PATH.manifest.json` are staged under temporary names and renamed into place only
after both are complete and on disk, so a failed export (error, full disk, Ctrl-C) leaves nothing
half-written under the final names and an older export there untouched.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, TextIO

from lexwatch.index.store import Filters, Store
from lexwatch import SCHEMA_VERSION, __version__
from lexwatch.article import Article
from lexwatch.urls import redact_url
from lexwatch.export.columns import check_fields
from lexwatch.export.files import (ExportError, StagedFile, output_path, publish_with_manifest, refuse_overwrite,
                                   staged_outputs)
from lexwatch.export.progress import with_progress

FORMATS = ("jsonl", "csv", "parquet", "warc")
BATCH_SIZE = 1000


def _counted(articles: Iterator[Article], counter: dict[str, int]) -> Iterator[Article]:
    for article in articles:
        counter["n"] += 1
        yield article


def export_articles(store: Store, fmt: str, out: str | Path, *, query: str = "", filters: Filters | None = None,
                    fields: list[str] | None = None, force: bool = False, bom: bool = False,
                    warc_dir: str | Path | None = None, progress: TextIO | None = None) -> dict[str, Any]:
    """Write the export and its manifest; return the manifest."""
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fields and fmt == "warc":
        raise ExportError("--fields applies to jsonl, csv and parquet, not to warc")
    if bom and fmt != "csv":
        raise ExportError("--bom applies to csv only")
    try:
        chosen = check_fields(fields)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    final = output_path(out)
    if fmt == "warc" and not final.name.endswith(".warc.gz"):
        raise ExportError("a WARC export is gzipped record by record: name it *.warc.gz")
    manifest_path = final.with_name(final.name + ".manifest.json")
    refuse_overwrite([final, manifest_path], force)
    filters = filters or Filters()
    warc_root = Path(warc_dir) if warc_dir else None
    if fmt == "warc" and (warc_root is None or not warc_root.is_dir()):
        raise ExportError(f"no WARC capture directory {warc_root} (give --warc-dir)")

    total = store.count(query, filters)
    counter = {"n": 0}
    articles = _counted(with_progress(store.iterate(query, filters, batch_size=BATCH_SIZE), total,
                                      f"export {fmt}", progress), counter)
    manifest: dict[str, Any] = {
        "format": fmt, "query": query, "filters": filters.to_dict(), "fields": chosen if fmt != "warc" else None,
        "schema_version": SCHEMA_VERSION, "lexwatch_version": __version__, "store": redact_url(store.url),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    with staged_outputs(final) as staged:
        data = StagedFile(final)
        staged.append(data)
        manifest.update(_write(fmt, articles, data, chosen, bom, warc_root, query, filters))
        data.finish()
        manifest["count"] = counter["n"]
        publish_with_manifest(data, manifest, manifest_path, staged)
    return manifest


def _write(fmt, articles, data, fields, bom, warc_root, query, filters) -> dict[str, Any]:
    if fmt == "jsonl":
        from lexwatch.export.text_formats import write_jsonl
        write_jsonl(articles, data.fh, fields)
    elif fmt == "csv":
        from lexwatch.export.text_formats import write_csv
        write_csv(articles, data.fh, fields, bom=bom)
    elif fmt == "parquet":
        from lexwatch.export.parquet import write_parquet
        write_parquet(articles, data.fh, fields)
    else:
        from lexwatch.export.warc import write_warc
        description = json.dumps({"query": query, "filters": filters.to_dict()}, ensure_ascii=False)
        stats = write_warc(articles, data.fh, warc_root, description)
        return {"warc": {"records": stats.records, "articles_captured": stats.captured,
                         "articles_without_capture": stats.articles - stats.captured, "sources": stats.sources}}
    return {}

