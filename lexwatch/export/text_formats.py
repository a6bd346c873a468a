"""JSONL and CSV: line-oriented formats written one article at a time."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, BinaryIO, Iterable

from lexwatch.article import Article
from lexwatch.export.columns import flat, instrument_short, nested
from lexwatch.penalties import penalties_short

LIST_SEPARATOR = "; "
JSON_BESIDE = {"penalties": "penalties_json", "instruments": "instruments_json"}  # short text + the exact data


def write_jsonl(articles: Iterable[Article], fh: BinaryIO, fields: list[str]) -> None:
    """One JSON object per line, UTF-8, no BOM: what pandas.read_json(lines=True) and `datasets` expect."""
    for article in articles:
        fh.write(json.dumps(nested(article, fields), ensure_ascii=False).encode("utf-8") + b"\n")


def csv_columns(fields: list[str]) -> list[str]:
    out = []
    for name in fields:
        out.append(name)
        if name in JSON_BESIDE:
            out.append(JSON_BESIDE[name])
    return out


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "penalties":
        return penalties_short(value)
    if name == "instruments":
        return LIST_SEPARATOR.join(instrument_short(i) for i in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def write_csv(articles: Iterable[Article], fh: BinaryIO, fields: list[str], bom: bool = False) -> None:
    """RFC 4180 CSV in UTF-8; `bom` prepends the byte-order mark Excel needs to read UTF-8."""
    text = io.TextIOWrapper(fh, encoding="utf-8-sig" if bom else "utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(csv_columns(fields))
    for article in articles:
        row = []
        for name, value in flat(article, fields).items():
            row.append(_cell(name, value))
            if name in JSON_BESIDE:
                row.append(json.dumps(value or [], ensure_ascii=False))
        writer.writerow(row)
    text.detach()   # the caller owns fh and closes it
