"""`lexwatch eval` — score the nlp pipeline on a labelled set: per-field precision/recall/F1,
stage accuracy and a stage confusion matrix, language-ID accuracy per language for bodies and
titles, published-date accuracy; --failures lists every mismatch, document by document.

Sets: `original` (the 61 documents written beside the rules, the default) and `real` (written from
public reporting, split once into dev and test). `--split` picks the real set's split and implies
`--set real` unless a set is named. Score the frozen test split only at the end of a change.

`--langid lingua|langdetect` scores language identification alone, per language, by either
detector (langdetect is the comparison that justifies lingua)."""
from __future__ import annotations

import json


def register(sub, common):
    p = sub.add_parser("eval", parents=[common], help="score extraction, language ID and tagging on a labelled set")
    p.add_argument("--set", dest="eval_set", choices=("original", "real", "all"), default=None,
                   help="which labelled set: original (default), real, or all (both pooled)")
    p.add_argument("--split", choices=("dev", "test", "all"), default=None,
                   help="the real set's split: dev (tune on it), test (frozen, score only) or all; implies --set real")
    p.add_argument("--dir", default=None, help="score this labelled folder (containing labels.json) instead")
    p.add_argument("--failures", action="store_true", help="list every mismatch, document by document")
    p.add_argument("--langid", choices=("lingua", "langdetect"), default=None,
                   help="score only language identification, per language, by this detector (lingua is the "
                        "pipeline's; langdetect is the comparison that justifies it)")
    p.set_defaults(func=run)


def run(args) -> int:
    from lexwatch.cli import CliError
    from lexwatch.nlp.evaluation import eval_dirs, evaluate, format_report

    if args.langid:
        from lexwatch.nlp.langid_eval import format_langid, score_langid
        scores = score_langid(args.langid, args.dir)
        print(json.dumps(scores, ensure_ascii=False, indent=2) if getattr(args, "json", False)
              else format_langid(scores))
        return 0
    if args.dir:
        if args.eval_set or args.split:
            raise CliError("--dir cannot be combined with --set or --split")
        dirs = [args.dir]
    else:
        dirs = eval_dirs(args.eval_set or ("real" if args.split else "original"), args.split or "all")
    result = evaluate(dirs)
    if getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(format_report(result, errors=args.failures))
    return 0
