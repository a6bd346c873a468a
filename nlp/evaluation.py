"""Evaluation of the nlp pipeline against labelled sets (a folder with labels.json): per-field
precision/recall/F1, stage accuracy and a stage confusion matrix, language-ID accuracy per
language for bodies and titles, published-date accuracy, sidebar leakage, and every mismatch per
document. Used by `lexwatch eval` and the tests.

Two sets: `original` (tests/data/eval, 61 documents written beside the rules) and `real`
(tests/data/eval/real, written from public reporting and split once into dev/ and test/; the test
split is frozen and only scored, never tuned on)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Iterable

from lexwatch.bundled import bundled_dir

DEFAULT_DIR = bundled_dir("eval_data")   # tests/data/eval, shipped in the wheel as lexwatch/eval_data
REAL_DIR = DEFAULT_DIR / "real"
SETS = ("original", "real", "all")
SPLITS = ("dev", "test", "all")
FIELDS = ("relevance", "stage", "jurisdictions", "penalties", "penalties_kmu", "instruments")
NO_STAGE = "-"     # the confusion matrix's row/column for "no stage" (not relevant)


def eval_dirs(which: str = "original", split: str = "all") -> list[Path]:
    """The labelled folders of a set: `original` has no split; `real` has dev/ and test/;
    `all` is both sets (the real set restricted to `split`)."""
    if which not in SETS:
        raise ValueError(f"unknown evaluation set {which!r}: expected one of {', '.join(SETS)}")
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: expected one of {', '.join(SPLITS)}")
    if which == "original" and split != "all":
        raise ValueError(f"the original set has no {split} split: use --set real or --set all")
    real = [REAL_DIR / s for s in ("dev", "test") if split in (s, "all")]
    return {"original": [DEFAULT_DIR], "real": real, "all": [DEFAULT_DIR] + real}[which]


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def _penalty_key(p: dict) -> tuple:
    eq = p.get("equivalent")
    return (p["kind"], p["min"], p["max"], p["unit"], (eq["min"], eq["max"], eq["unit"]) if eq else None)


def _penalty_kmu_key(p: dict) -> tuple:
    """The issue's floor key: kind, maximum and unit (min and equivalent are scored apart)."""
    return (p["kind"], p["max"], p["unit"])


def _instrument_key(i: dict) -> tuple:
    return (i["name"], i.get("article"), i.get("part"))


def analyze_labelled(eval_dir: Path, doc_id: str, label: dict):
    from lexwatch.nlp import analyze_page, analyze_text
    path = eval_dir / label["file"]
    if path.suffix == ".txt":
        return analyze_text(path.read_text(encoding="utf-8"), label["url"], outlet=label["outlet"])
    return analyze_page(path.read_bytes(), label["url"], outlet=label["outlet"])


def evaluate(eval_dir: Path | str | Iterable[Path | str] = DEFAULT_DIR) -> dict:
    """Score one labelled folder or several (their documents pooled)."""
    from lexwatch.nlp.langid import detect_language
    dirs = [Path(eval_dir)] if isinstance(eval_dir, (str, Path)) else [Path(d) for d in eval_dir]
    documents = []
    for d in dirs:
        labels_file = d / "labels.json"
        if not labels_file.is_file():
            raise FileNotFoundError(f"{labels_file}: no labelled set here (build it with the folder's build script)")
        documents += [(d, doc_id, gold) for doc_id, gold in sorted(json.loads(labels_file.read_text(encoding="utf-8")).items())]
    counts = defaultdict(lambda: [0, 0, 0])         # field -> tp, fp, fn
    stage_hits = stage_total = 0
    confusion: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))   # gold -> predicted -> n
    lang_body = defaultdict(lambda: [0, 0])        # lang -> correct, total
    lang_title = defaultdict(lambda: [0, 0])
    date_hits = date_total = 0
    leaks = 0
    failures: list[str] = []
    errors: dict[str, list[str]] = {}
    for eval_dir, doc_id, gold in documents:
        art = analyze_labelled(eval_dir, doc_id, gold)
        pred = art.deepfake
        wrong: list[str] = []
        _count(counts["relevance"], {True} if pred["relevant"] else set(), {True} if gold["relevant"] else set())
        if pred["relevant"] != gold["relevant"]:
            wrong.append(f"relevant {pred['relevant']} (score {pred['score']}), expected {gold['relevant']}")
        gold_stage = {(gold["stage"], gold.get("reading"))} if gold["stage"] else set()
        pred_stage = {(pred["stage"], pred["reading"])} if pred["stage"] else set()
        _count(counts["stage"], pred_stage, gold_stage)
        confusion[gold["stage"] or NO_STAGE][pred["stage"] or NO_STAGE] += 1
        if gold["relevant"]:
            stage_total += 1
            if pred_stage == gold_stage:
                stage_hits += 1
            else:
                wrong.append(f"stage {pred['stage']}/{pred['reading']}, expected {gold['stage']}/{gold.get('reading')}")
        for field, source, key in (("jurisdictions", "jurisdictions", lambda x: x),
                                   ("penalties", "penalties", _penalty_key),
                                   ("penalties_kmu", "penalties", _penalty_kmu_key),
                                   ("instruments", "instruments", _instrument_key)):
            p = {key(x) for x in pred[source]}
            g = {key(x) for x in gold[source]}
            _count(counts[field], p, g)
            if p != g and field != "penalties_kmu":
                wrong.append(f"{field} extra {sorted(map(str, p - g))} missing {sorted(map(str, g - p))}")
        lang = gold["language"]
        lang_body[lang][1] += 1
        lang_body[lang][0] += art.language == lang
        if art.language != lang:
            wrong.append(f"body language {art.language}, expected {lang}")
        title_lang = detect_language(gold["title"])
        lang_title[lang][1] += 1
        lang_title[lang][0] += title_lang == lang
        if title_lang != lang:
            wrong.append(f"title language {title_lang}, expected {lang}")
        if gold["file"].endswith(".html"):
            date_total += 1
            if art.published_at == gold["published_at"]:
                date_hits += 1
            else:
                wrong.append(f"published_at {art.published_at}, expected {gold['published_at']}")
            leaked = [s for s in gold.get("must_not_contain", []) if s in art.body]
            leaks += bool(leaked)
            if leaked:
                wrong.append(f"body contains sidebar text {leaked}")
        if wrong:
            errors[doc_id] = wrong
            failures += [f"{doc_id}: {w}" for w in wrong]
    fields = {name: _prf(*counts[name]) for name in FIELDS}
    return {
        "documents": len(documents),
        "sets": [str(d) for d in dirs],
        "fields": fields,
        "stage_accuracy": round(stage_hits / stage_total, 3) if stage_total else 1.0,
        "stage_confusion": {g: dict(sorted(row.items())) for g, row in sorted(confusion.items())},
        "language_body": {k: round(c / t, 3) for k, (c, t) in sorted(lang_body.items())},
        "language_title": {k: round(c / t, 3) for k, (c, t) in sorted(lang_title.items())},
        "language_body_accuracy": round(sum(c for c, _ in lang_body.values()) / sum(t for _, t in lang_body.values()), 3),
        "language_title_accuracy": round(sum(c for c, _ in lang_title.values()) / sum(t for _, t in lang_title.values()), 3),
        "date_accuracy": round(date_hits / date_total, 3) if date_total else 1.0,
        "pages": date_total,
        "sidebar_leaks": leaks,
        "failures": failures,
        "errors": errors,
    }


def _count(cell: list[int], pred: set, gold: set) -> None:
    cell[0] += len(pred & gold)
    cell[1] += len(pred - gold)
    cell[2] += len(gold - pred)


STAGE_ORDER = ("proposal", "committee", "reading", "adopted", "signed", "in_force", "guidance", "enforcement", NO_STAGE)
FIELD_TITLES = {"stage": "stage (incl. reading number)", "penalties": "penalties (kind, min, max, unit, equivalent)",
                "penalties_kmu": "penalties (kind, max, unit)", "instruments": "instruments (name, article, part)"}


def format_report(r: dict, errors: bool = False) -> str:
    lines = [f"documents: {r['documents']} ({r['pages']} pages)", "",
             "| field | precision | recall | F1 |", "|---|---|---|---|"]
    for name, m in r["fields"].items():
        lines.append(f"| {FIELD_TITLES.get(name, name)} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |")
    lines += ["", f"stage accuracy (relevant documents): {r['stage_accuracy']:.3f}",
              f"published_at exact (pages): {r['date_accuracy']:.3f}",
              f"pages with sidebar text in body: {r['sidebar_leaks']}", "",
              "| language | body accuracy | title accuracy |", "|---|---|---|"]
    for lang in r["language_body"]:
        lines.append(f"| {lang} | {r['language_body'][lang]:.3f} | {r['language_title'].get(lang, 0):.3f} |")
    lines.append(f"| all | {r['language_body_accuracy']:.3f} | {r['language_title_accuracy']:.3f} |")
    lines += ["", format_confusion(r["stage_confusion"])]
    if errors:
        lines += ["", f"errors, document by document ({len(r['errors'])} of {r['documents']} documents):"
                  if r["errors"] else "no errors"]
        for doc_id, wrong in r["errors"].items():
            lines.append(f"- {doc_id}")
            lines += [f"    {w}" for w in wrong]
    return "\n".join(lines)


def format_confusion(confusion: dict) -> str:
    """Rows: labelled stage; columns: predicted stage; '-' = no stage (not relevant)."""
    seen = set(confusion) | {p for row in confusion.values() for p in row}
    order = [s for s in STAGE_ORDER if s in seen] + sorted(seen - set(STAGE_ORDER))
    lines = ["stage confusion (rows: labelled, columns: predicted, '-' = none)", "",
             "| labelled \\ predicted | " + " | ".join(order) + " |", "|---" * (len(order) + 1) + "|"]
    for g in order:
        if g in confusion:
            lines.append(f"| {g} | " + " | ".join(str(confusion[g].get(p, 0) or ".") for p in order) + " |")
    return "\n".join(lines)
