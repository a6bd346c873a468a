"""Language identification scored per language on the labelled set, by lingua (what the pipeline uses,
nlp/langid.py) or by langdetect (the design card's first choice), so that the choice rests on a figure:
`lexwatch eval --langid lingua|langdetect`. The one import site of langdetect.

Both read the same texts: each labelled document's body as the pipeline extracted it, and its title.
langdetect runs as shipped (all 55 of its profiles; it has none for Azerbaijani or Kazakh), with a
fixed seed because it samples at random.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable

DETECTORS = ("lingua", "langdetect")


def detector(name: str) -> Callable[[str], str | None]:
    if name == "lingua":
        from lexwatch.nlp.langid import detect_language
        return detect_language
    if name == "langdetect":
        from langdetect import DetectorFactory, detect
        from langdetect.lang_detect_exception import LangDetectException
        DetectorFactory.seed = 0

        def detect_or_none(text: str) -> str | None:
            try:
                return detect(text)
            except LangDetectException:   # no letters it knows
                return None
        return detect_or_none
    raise ValueError(f"language detector must be one of {', '.join(DETECTORS)}, not {name!r}")


def score_langid(name: str, eval_dir: Path | str | None = None) -> dict[str, Any]:
    """Accuracy per language of bodies and titles, the wrong answers given, and the time per text."""
    import json

    from lexwatch.nlp.evaluation import DEFAULT_DIR, analyze_labelled
    detect = detector(name)
    eval_dir = Path(eval_dir or DEFAULT_DIR)
    labels = json.loads((eval_dir / "labels.json").read_text(encoding="utf-8"))
    texts = [(gold["language"], kind, text) for doc_id, gold in sorted(labels.items())
             for kind, text in (("body", analyze_labelled(eval_dir, doc_id, gold).body), ("title", gold["title"]))]
    detect("warm-up text")   # lingua loads its models, langdetect its profiles, on first use
    right: dict[str, Counter] = {"body": Counter(), "title": Counter()}
    total: dict[str, Counter] = {"body": Counter(), "title": Counter()}
    wrong: dict[str, Counter] = defaultdict(Counter)
    start = time.perf_counter()
    for lang, kind, text in texts:
        found = detect(text)
        total[kind][lang] += 1
        right[kind][lang] += found == lang
        if found != lang:
            wrong[lang][str(found)] += 1
    seconds = time.perf_counter() - start
    return {
        "detector": name, "documents": len(labels),
        **{kind: {lang: round(right[kind][lang] / n, 3) for lang, n in sorted(total[kind].items())}
           for kind in ("body", "title")},
        **{f"{kind}_accuracy": round(sum(right[kind].values()) / sum(total[kind].values()), 3)
           for kind in ("body", "title")},
        "wrong_answers": {lang: dict(c.most_common()) for lang, c in sorted(wrong.items())},
        "ms_per_text": round(1000 * seconds / len(texts), 2),
    }


def format_langid(r: dict[str, Any]) -> str:
    lines = [f"language identification by {r['detector']} on {r['documents']} labelled documents "
             f"({r['ms_per_text']} ms a text)", "  language  bodies  titles  wrong answers"]
    for lang in sorted(set(r["body"]) | set(r["title"])):
        wrong = ", ".join(f"{k} ×{n}" for k, n in r["wrong_answers"].get(lang, {}).items()) or "—"
        lines.append(f"  {lang:<8}  {r['body'].get(lang, 0):>6.3f}  {r['title'].get(lang, 0):>6.3f}  {wrong}")
    lines.append(f"  all       {r['body_accuracy']:>6.3f}  {r['title_accuracy']:>6.3f}")
    return "\n".join(lines)
