"""Corpus exports: JSONL, CSV, Parquet and WARC, streamed from the store with a manifest beside them.

Settings: the command's options only (`lexwatch export --help`); the WARC capture directory
defaults to `warc/` beside an SQLite store.
"""
from lexwatch.export.exporter import FORMATS, export_articles
from lexwatch.export.files import ExportError

__all__ = ["FORMATS", "ExportError", "export_articles"]
