"""`lexwatch export --format tracker-csv|tracker-jsonl`: the tracker's rows (one per instrument
track) as a data set, written and published like every export (files.StagedFile, a manifest)."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lexwatch import __version__
from lexwatch.export.files import (ExportError, StagedFile, output_path, publish_with_manifest, refuse_overwrite,
                                   staged_outputs)

TRACKER_FORMATS = ("tracker-csv", "tracker-jsonl")


def export_tracker(rows: list[dict[str, Any]], fmt: str, out: str | Path, *, force: bool = False,
                   selection: dict[str, Any] | None = None, bom: bool = False) -> dict[str, Any]:
    from lexwatch.developments.tracks import CSV_COLUMNS, csv_row
    if fmt not in TRACKER_FORMATS:
        raise ExportError(f"tracker format must be one of {', '.join(TRACKER_FORMATS)}, not {fmt!r}")
    final = output_path(out)
    manifest_path = final.with_name(final.name + ".manifest.json")
    refuse_overwrite([final, manifest_path], force)
    with staged_outputs(final) as staged:
        data = StagedFile(final)
        staged.append(data)
        if fmt == "tracker-jsonl":
            for row in rows:
                data.fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
        else:
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(csv_row(r) for r in rows)
            data.fh.write(("\ufeff" if bom else "").encode("utf-8") + text.getvalue().encode("utf-8"))
        data.finish()
        manifest = {"format": fmt, "selection": selection or {}, "count": len(rows), "lexwatch_version": __version__,
                    "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        publish_with_manifest(data, manifest, manifest_path, staged)
    return manifest
