"""Types for loading a JSONL export with Hugging Face `datasets` (an optional dependency).

`load_dataset("json", data_files=…)` infers types from the file's first 10 MB and casts the rest to
them, so a large corpus whose first articles name no instrument or only whole-number fines fails
later on a struct or a 1.5-year term. Passing these features makes the load independent of order:

    from datasets import load_dataset
    from lexwatch.export.hf import article_features
    corpus = load_dataset("json", data_files="corpus.jsonl", features=article_features(), split="train")
"""
from __future__ import annotations

import pyarrow as pa

from lexwatch.export.columns import ARTICLE_FIELDS, TAG_FIELDS
from lexwatch.export.parquet import TYPES


def article_arrow_schema() -> pa.Schema:
    """The nested Article as JSONL holds it: dates stay ISO strings with their offsets, and
    `translations` becomes JSON text (its keys vary, which a struct cannot express)."""
    top = [pa.field(name, TYPES[name] if name in ("authors", "tags") else pa.string()) for name in ARTICLE_FIELDS]
    tags = pa.struct([pa.field(name, TYPES.get(name, pa.string())) for name in TAG_FIELDS])
    return pa.schema(top + [pa.field("deepfake", tags)])


def article_features():
    from datasets import Features
    return Features.from_arrow_schema(article_arrow_schema())
