"""`lexwatch analyze FILE` — run the nlp pipeline on one saved page (.html/.htm) or plain text
(.txt; first non-empty line is the title) and print the Article as JSON."""
from __future__ import annotations

import json
from pathlib import Path

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


class AnalyzeError(Exception):
    """The file cannot be read or analyzed (printed as one line by the CLI)."""


def register(sub, common):
    p = sub.add_parser("analyze", parents=[common],
                       help="extract, detect language and tag one saved page or text file; print JSON")
    p.add_argument("file", metavar="FILE", help="a saved article page (.html/.htm) or plain text (.txt)")
    p.add_argument("--url", default=None, help="the page's URL (default: file:// URL of FILE)")
    p.add_argument("--outlet", default=None, help="an outlet of the registry, e.g. one `lexwatch sites list` shows (default: from the URL)")
    p.add_argument("--edition", default=None, help="language of the site section (default: from the URL)")
    p.set_defaults(func=run)


def run(args) -> int:
    from lexwatch.nlp import AnalysisError, analyze_page, analyze_text

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AnalyzeError(f"cannot read {path}: {exc.strerror or exc}") from None
    url = args.url or path.resolve().as_uri()
    try:
        if path.suffix.lower() in HTML_SUFFIXES or (path.suffix.lower() != ".txt" and _looks_html(data)):
            article = analyze_page(data, url, outlet=args.outlet, edition=args.edition)
        else:
            article = analyze_text(_text(data), url, outlet=args.outlet, edition=args.edition)
    except AnalysisError as exc:
        raise AnalyzeError(f"{path}: {exc}") from None
    indent = None if getattr(args, "json", False) else 2
    print(json.dumps(article.to_dict(), ensure_ascii=False, indent=indent, sort_keys=True))
    return 0


def _looks_html(data: bytes) -> bool:
    head = data[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head


def _text(data: bytes) -> str:
    from lexwatch.nlp.decode import decode_page
    return decode_page(data, "text/plain")
