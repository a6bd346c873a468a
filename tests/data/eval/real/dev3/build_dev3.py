"""Render the third batch (dev3/, written after the rules were changed for dev2 and scored once before any further change) into pages/,
texts/ and labels.json, the same way ../build_real.py renders dev/ and test/. dev3 is not in
split.json: it is a separate, self-contained development folder, scored with
`lexwatch eval --dir tests/data/eval/real/dev3`.
Run after editing the documents: `.venv/bin/python tests/data/eval/real/dev3/build_dev3.py`."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("build_real", HERE.parent / "build_real.py")
real = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(real)


def build() -> None:
    (HERE / "pages").mkdir(exist_ok=True)
    (HERE / "texts").mkdir(exist_ok=True)
    labels: dict[str, dict] = {}
    for doc in real.load_documents(HERE):
        if doc["id"] in labels:
            raise SystemExit(f"{doc['id']}: defined twice in dev3/")
        if doc["id"][:2] not in ("az", "ru", "en", "kk"):
            raise SystemExit(f"{doc['id']}: the id must start with its language code")
        labels[doc["id"]] = real._entry(doc, HERE)
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                      encoding="utf-8")
    print(f"dev3: {len(labels)} documents")


if __name__ == "__main__":
    build()
