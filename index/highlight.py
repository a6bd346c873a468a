"""Snippets with the query's words marked, computed the same way for both stores.

Why not the engines' own highlighters: FTS5 indexes lemmas, not the text, and ES would mark
different spans; one shared function gives analysts the same snippet whichever store answers.
"""
from __future__ import annotations

import html
import re
from typing import Iterable

from lexwatch.index.query import ParsedQuery
from lexwatch.nlp.morph import WORD, word_keys

SNIPPET_CHARS = 240


def _keyed_words(body: str, language: str | None) -> Iterable[tuple[re.Match, str]]:
    """Each word of the body with its index key. The body is lower-cased once when that keeps every
    offset (it does not for a few letters, such as Azerbaijani İ), else word by word."""
    lowered = body.lower()
    if len(lowered) == len(body):
        return zip(WORD.finditer(lowered), word_keys(WORD.findall(lowered), language))
    words = list(WORD.finditer(body))
    return zip(words, word_keys([m.group().lower() for m in words], language))


def snippet(body: str, query: ParsedQuery, language: str | None, width: int = SNIPPET_CHARS) -> str:
    """An HTML-escaped excerpt of `body` around the densest run of query words, each in <mark>."""
    keys = query.all_keys()
    spans = [m.span() for m, key in _keyed_words(body, language) if key in keys] if keys else []
    if not spans:
        cut = body[:width]
        return html.escape(cut + ("…" if len(body) > width else ""))
    # Pick the window start that covers the most matches (spans are in order: those fitting after
    # span i are a run that only grows at its end).
    best_start, best_count, j = spans[0][0], 0, 0
    for i, (start, _) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= start + width:
            j += 1
        if j - i > best_count:
            best_start, best_count = start, j - i
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
