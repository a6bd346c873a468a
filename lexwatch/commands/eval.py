"""`lexwatch eval` — score the nlp pipeline on the labelled set (tests/data/eval by default):
per-field precision/recall/F1, stage accuracy, language-ID accuracy per language for bodies and
titles, published-date accuracy; --failures lists every mismatch; --langid lingua|langdetect scores
language identification alone, per language, by either detector."""
from __future__ import annotations

import json


def register(sub, common):
    p = sub.add_parser("eval", parents=[common], help="score extraction, language ID and tagging on the labelled set")
    p.add_argument("--dir", default=None, help="labelled set directory (default tests/data/eval)")
    p.add_argument("--failures", action="store_true", help="list every mismatch")
    p.add_argument("--langid", choices=("lingua", "langdetect"), default=None,
                   help="score only language identification, per language, by this detector (lingua is the "
                        "pipeline's; langdetect is the comparison that justifies it)")
    p.set_defaults(func=run)


def run(args) -> int:
    from lexwatch.nlp.evaluation import DEFAULT_DIR, evaluate, format_report

    if args.langid:
        from lexwatch.nlp.langid_eval import format_langid, score_langid
        scores = score_langid(args.langid, args.dir)
        print(json.dumps(scores, ensure_ascii=False, indent=2) if getattr(args, "json", False)
              else format_langid(scores))
        return 0
    result = evaluate(args.dir or DEFAULT_DIR)
    if getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(format_report(result))
    if args.failures:
        print("\nmismatches:" if result["failures"] else "\nno mismatches")
        for line in result["failures"]:
            print("  " + line)
    return 0
