"""Render the real-reporting evaluation set into pages and plain texts and write labels.json, per
split folder: dev/ and test/ each hold real_<lang>.yaml sources and get their own pages/, texts/
and labels.json (so the dev folder can be handed over alone). split.json, written once by
split.py, is checked: a document in the wrong folder or missing from it is an error.
Run after editing the documents: `.venv/bin/python tests/data/eval/real/build_real.py`.
Later development batches (dev2/, dev3/) are folders of their own outside split.json; render one with
`.venv/bin/python tests/data/eval/real/build_real.py dev2` and score it with `lexwatch eval --dir`.

Pages reuse the original set's outlet layouts (../build.py); `related_inside: true` puts the
related-stories block inside the article container, as Kursiv does, so extraction must stop
where the story stops. Documents with `style: text` are plain title + body files.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import yaml

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("eval_build", HERE.parent / "build.py")
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)


def _penalty(p: list) -> dict:
    return {"kind": p[0], "min": p[1], "max": p[2], "unit": p[3],
            "equivalent": ({"min": p[4][0], "max": p[4][1], "unit": p[4][2]} if len(p) > 4 else None)}


SPLITS = ("dev", "test")


def load_documents(folder: Path) -> list[dict]:
    docs = []
    for corpus in sorted(folder.glob("real_*.yaml")):
        docs += yaml.safe_load(corpus.read_text(encoding="utf-8")) or []
    return docs


def render_page(doc: dict, lang: str) -> str:
    html = base.page(doc, lang, "utf-8")
    if doc.get("related_inside"):
        block = base.sidebar(doc, lang)
        html = html.replace(block, "", 1).replace("</article>", block + "\n</article>", 1)
    return html


def build() -> None:
    split = json.loads((HERE / "split.json").read_text(encoding="utf-8"))["documents"]
    seen: dict[str, str] = {}
    for name in SPLITS:
        folder = HERE / name
        labels = {}
        (folder / "pages").mkdir(exist_ok=True)
        (folder / "texts").mkdir(exist_ok=True)
        for doc in load_documents(folder):
            if doc["id"] in seen:
                raise SystemExit(f"{doc['id']}: in both {seen[doc['id']]} and {name}")
            if split.get(doc["id"]) != name:
                raise SystemExit(f"{doc['id']}: in {name}/ but split.json says {split.get(doc['id'])!r}")
            seen[doc["id"]] = name
            labels[doc["id"]] = _entry(doc, folder)
        (folder / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                            encoding="utf-8")
        print(f"{name}: {len(labels)} documents")
    missing = sorted(set(split) - set(seen))
    if missing:
        raise SystemExit(f"in split.json but in no folder: {missing}")


def build_batch(name: str) -> None:
    """A self-contained development batch (not in split.json): its ids are checked for duplicates
    and for their language prefix, and its own pages/, texts/ and labels.json are written."""
    folder = HERE / name
    (folder / "pages").mkdir(exist_ok=True)
    (folder / "texts").mkdir(exist_ok=True)
    labels: dict[str, dict] = {}
    for doc in load_documents(folder):
        if doc["id"] in labels:
            raise SystemExit(f"{doc['id']}: defined twice in {name}/")
        if doc["id"][:2] not in ("az", "ru", "en", "kk"):
            raise SystemExit(f"{doc['id']}: the id must start with its language code")
        labels[doc["id"]] = _entry(doc, folder)
    (folder / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")
    print(f"{name}: {len(labels)} documents")


def _entry(doc: dict, folder: Path) -> dict:
    lang, lab = doc["id"][:2], doc["labels"]
    entry = {
        "url": doc["url"], "outlet": doc["outlet"], "language": lang, "title": doc["title"],
        "relevant": lab["relevant"], "stage": lab.get("stage"), "reading": lab.get("reading"),
        "jurisdictions": lab.get("jurisdictions", []),
        "penalties": [_penalty(p) for p in lab.get("penalties", [])],
        "instruments": [{"name": i[0], "article": i[1], "part": i[2]} for i in lab.get("instruments", [])],
        "split": folder.name,
    }
    if doc["style"] == "text":
        (folder / "texts" / f"{doc['id']}.txt").write_text(f"{doc['title']}\n\n{doc['body']}", encoding="utf-8")
        entry["file"] = f"texts/{doc['id']}.txt"
        entry["published_at"] = None
    else:
        (folder / "pages" / f"{doc['id']}.html").write_bytes(render_page(doc, lang).encode("utf-8"))
        entry["file"] = f"pages/{doc['id']}.html"
        entry["published_at"] = doc["published"]
        entry["translations"] = doc.get("translations") or {}
        entry["must_not_contain"] = (base.SIDEBAR_DEEPFAKE[lang] + base.SIDEBAR_GENERAL[lang])[:3]
    return entry


if __name__ == "__main__":
    import sys
    if sys.argv[1:]:
        for batch in sys.argv[1:]:
            build_batch(batch)
    else:
        build()
