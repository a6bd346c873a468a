"""Parquet with typed columns: timestamps in UTC, the local publication day as a date, penalties and
instruments and translations as lists of structs.

Written incrementally with pyarrow.parquet.ParquetWriter: rows are converted in small Arrow batches
and flushed as a row group every ROW_GROUP_ROWS rows, or sooner when the buffered batches reach
ROW_GROUP_BYTES, so long bodies cannot make a row group (held in memory until written) unbounded.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, BinaryIO, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from lexwatch import SCHEMA_VERSION, __version__
from lexwatch.article import Article
from lexwatch.export.columns import flat

ROW_GROUP_ROWS = 50_000
ROW_GROUP_BYTES = 16 * 1024 * 1024
BATCH_ROWS = 500

RANGE = pa.struct([("min", pa.float64()), ("max", pa.float64()), ("unit", pa.string())])
PENALTY = pa.struct([("kind", pa.string()), ("min", pa.float64()), ("max", pa.float64()), ("unit", pa.string()),
                     ("equivalent", RANGE), ("text", pa.string())])
INSTRUMENT = pa.struct([("name", pa.string()), ("article", pa.string()), ("part", pa.string()),
                        ("text", pa.string())])
UTC = pa.timestamp("us", tz="UTC")
TYPES: dict[str, pa.DataType] = {
    "published_at": UTC, "modified_at": UTC, "fetched_at": UTC, "published_day": pa.date32(),
    "authors": pa.list_(pa.string()), "tags": pa.list_(pa.string()),
    # a list of structs rather than a map: Hugging Face datasets cannot load Arrow maps
    "translations": pa.list_(pa.struct([("language", pa.string()), ("url", pa.string())])),
    "relevant": pa.bool_(), "score": pa.float64(), "reading": pa.int8(),
    "jurisdictions": pa.list_(pa.string()), "penalties": pa.list_(PENALTY), "instruments": pa.list_(INSTRUMENT),
    "bodies": pa.list_(pa.string()), "persons": pa.list_(pa.string()), "obligations": pa.list_(pa.string()),
}


def arrow_schema(fields: list[str]) -> pa.Schema:
    metadata = {"lexwatch.schema_version": str(SCHEMA_VERSION), "lexwatch.version": __version__}
    return pa.schema([pa.field(name, TYPES.get(name, pa.string())) for name in fields], metadata=metadata)


def _typed(name: str, value: Any) -> Any:
    if value is None:
        return None
    if TYPES.get(name) is UTC:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if name == "published_day":
        return date.fromisoformat(value)
    if name == "translations":
        return [{"language": lang, "url": url} for lang, url in value.items()]
    return value


def write_parquet(articles: Iterable[Article], fh: BinaryIO, fields: list[str]) -> None:
    schema = arrow_schema(fields)
    writer = pq.ParquetWriter(pa.PythonFile(fh, mode="w"), schema, compression="zstd")
    rows: list[dict[str, Any]] = []
    batches: list[pa.RecordBatch] = []
    buffered_rows = buffered_bytes = 0

    def flush_rows() -> None:
        nonlocal rows, buffered_rows, buffered_bytes
        if rows:
            batch = pa.RecordBatch.from_pylist(rows, schema=schema)
            batches.append(batch)
            buffered_rows += batch.num_rows
            buffered_bytes += batch.nbytes
            rows = []

    def flush_group() -> None:
        nonlocal batches, buffered_rows, buffered_bytes
        flush_rows()
        if batches:
            writer.write_table(pa.Table.from_batches(batches, schema), row_group_size=ROW_GROUP_ROWS)
            batches, buffered_rows, buffered_bytes = [], 0, 0

    try:
        for article in articles:
            rows.append({k: _typed(k, v) for k, v in flat(article, fields).items()})
            if len(rows) >= BATCH_ROWS:
                flush_rows()
                if buffered_rows >= ROW_GROUP_ROWS or buffered_bytes >= ROW_GROUP_BYTES:
                    flush_group()
        flush_group()
    finally:
        writer.close()
