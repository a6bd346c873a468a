"""Snippets with the query's words marked, computed the same way for both stores.

Why not the engines' own highlighters: FTS5 indexes lemmas, not the text, and ES would mark
different spans; one shared function gives analysts the same snippet whichever store answers.
"""
from __future__ import annotations

import html

from index.query import ParsedQuery
from nlp.morph import WORD, lemma

SNIPPET_CHARS = 240


def snippet(body: str, query: ParsedQuery, language: str | None, width: int = SNIPPET_CHARS) -> str:
    """An HTML-escaped excerpt of `body` around the densest run of query words, each in <mark>."""
    keys = query.all_keys()
    spans = [(m.start(), m.end()) for m in WORD.finditer(body)
             if keys and lemma(m.group().lower(), language) in keys]
    if not spans:
        cut = body[:width]
        return html.escape(cut + ("…" if len(body) > width else ""))
    # Pick the window start that covers the most matches.
    best_start, best_count = spans[0][0], 0
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    start = max(0, best_start - width // 4)
    space = body.rfind(" ", 0, start)
    start = space + 1 if start and space != -1 else start
    end = min(len(body), start + width)
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(body[pos:s]))
        out.append("<mark>" + html.escape(body[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(body[pos:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(body) else "")
