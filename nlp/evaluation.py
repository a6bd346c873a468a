"""Evaluation of the nlp pipeline against the labelled set in tests/data/eval (labels.json):
per-field precision/recall/F1, stage accuracy, language-ID accuracy per language for bodies and
titles, published-date accuracy and sidebar leakage. Used by `lexwatch eval` and the tests."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from lexwatch.bundled import bundled_dir

DEFAULT_DIR = bundled_dir("eval_data")   # tests/data/eval, shipped in the wheel as lexwatch/eval_data


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def _penalty_key(p: dict) -> tuple:
    eq = p.get("equivalent")
    return (p["kind"], p["min"], p["max"], p["unit"], (eq["min"], eq["max"], eq["unit"]) if eq else None)


def _instrument_key(i: dict) -> tuple:
    return (i["name"], i.get("article"), i.get("part"))


def analyze_labelled(eval_dir: Path, doc_id: str, label: dict):
    from lexwatch.nlp import analyze_page, analyze_text
    path = eval_dir / label["file"]
    if path.suffix == ".txt":
        return analyze_text(path.read_text(encoding="utf-8"), label["url"], outlet=label["outlet"])
    return analyze_page(path.read_bytes(), label["url"], outlet=label["outlet"])


def evaluate(eval_dir: Path | str = DEFAULT_DIR) -> dict:
    from lexwatch.nlp.langid import detect_language
    eval_dir = Path(eval_dir)
    labels = json.loads((eval_dir / "labels.json").read_text(encoding="utf-8"))
    counts = defaultdict(lambda: [0, 0, 0])         # field -> tp, fp, fn
    stage_hits = stage_total = 0
    lang_body = defaultdict(lambda: [0, 0])        # lang -> correct, total
    lang_title = defaultdict(lambda: [0, 0])
    date_hits = date_total = 0
    leaks = 0
    failures: list[str] = []
    for doc_id, gold in sorted(labels.items()):
        art = analyze_labelled(eval_dir, doc_id, gold)
        pred = art.deepfake
        _count(counts["relevance"], {True} if pred["relevant"] else set(), {True} if gold["relevant"] else set())
        if pred["relevant"] != gold["relevant"]:
            failures.append(f"{doc_id}: relevant {pred['relevant']} (score {pred['score']}), expected {gold['relevant']}")
        gold_stage = {(gold["stage"], gold.get("reading"))} if gold["stage"] else set()
        pred_stage = {(pred["stage"], pred["reading"])} if pred["stage"] else set()
        _count(counts["stage"], pred_stage, gold_stage)
        if gold["relevant"]:
            stage_total += 1
            if pred_stage == gold_stage:
                stage_hits += 1
            else:
                failures.append(f"{doc_id}: stage {pred['stage']}/{pred['reading']}, expected {gold['stage']}/{gold.get('reading')}")
        for field, key in (("jurisdictions", lambda x: x), ("penalties", _penalty_key), ("instruments", _instrument_key)):
            p = {key(x) for x in pred[field]}
            g = {key(x) for x in gold[field]}
            _count(counts[field], p, g)
            if p != g:
                failures.append(f"{doc_id}: {field} extra {sorted(map(str, p - g))} missing {sorted(map(str, g - p))}")
        lang = gold["language"]
        lang_body[lang][1] += 1
        lang_body[lang][0] += art.language == lang
        if art.language != lang:
            failures.append(f"{doc_id}: body language {art.language}, expected {lang}")
        title_lang = detect_language(gold["title"])
        lang_title[lang][1] += 1
        lang_title[lang][0] += title_lang == lang
        if title_lang != lang:
            failures.append(f"{doc_id}: title language {title_lang}, expected {lang}")
        if gold["file"].endswith(".html"):
            date_total += 1
            if art.published_at == gold["published_at"]:
                date_hits += 1
            else:
                failures.append(f"{doc_id}: published_at {art.published_at}, expected {gold['published_at']}")
            leaked = [s for s in gold.get("must_not_contain", []) if s in art.body]
            leaks += bool(leaked)
            if leaked:
                failures.append(f"{doc_id}: body contains sidebar text {leaked}")
    fields = {name: _prf(*counts[name]) for name in ("relevance", "stage", "jurisdictions", "penalties", "instruments")}
    return {
        "documents": len(labels),
        "fields": fields,
        "stage_accuracy": round(stage_hits / stage_total, 3) if stage_total else 1.0,
        "language_body": {k: round(c / t, 3) for k, (c, t) in sorted(lang_body.items())},
        "language_title": {k: round(c / t, 3) for k, (c, t) in sorted(lang_title.items())},
        "language_body_accuracy": round(sum(c for c, _ in lang_body.values()) / sum(t for _, t in lang_body.values()), 3),
        "language_title_accuracy": round(sum(c for c, _ in lang_title.values()) / sum(t for _, t in lang_title.values()), 3),
        "date_accuracy": round(date_hits / date_total, 3) if date_total else 1.0,
        "pages": date_total,
        "sidebar_leaks": leaks,
        "failures": failures,
    }


def _count(cell: list[int], pred: set, gold: set) -> None:
    cell[0] += len(pred & gold)
    cell[1] += len(pred - gold)
    cell[2] += len(gold - pred)


def format_report(r: dict) -> str:
    lines = [f"documents: {r['documents']} ({r['pages']} pages)", "",
             "| field | precision | recall | F1 |", "|---|---|---|---|"]
    for name, m in r["fields"].items():
        lines.append(f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |")
    lines += ["", f"stage accuracy (relevant documents): {r['stage_accuracy']:.3f}",
              f"published_at exact (pages): {r['date_accuracy']:.3f}",
              f"pages with sidebar text in body: {r['sidebar_leaks']}", "",
              "| language | body accuracy | title accuracy |", "|---|---|---|"]
    for lang in r["language_body"]:
        lines.append(f"| {lang} | {r['language_body'][lang]:.3f} | {r['language_title'].get(lang, 0):.3f} |")
    lines.append(f"| all | {r['language_body_accuracy']:.3f} | {r['language_title_accuracy']:.3f} |")
    return "\n".join(lines)
