"""People named in a story's core sentences.

Russian: adjacent capitalised words that pymorphy3's dictionary reads as a first name and more, or
ending in a surname (its Name/Surn/Patr tags), never a place or organisation first ('Крыма').
natasha's news NER (weights in its wheel) was measured against this on the Russian relevant
documents of the real-reporting dev split: both found the same 15 people; natasha made analysis of
the evaluation pages about three times slower (0.36 of bare trafilatura against 0.95), so lexwatch
does not use it (EVALUATION.md has the numbers).

Other languages: two or three capitalised words right after a role word ('deputy Екатерина
Смышляева', 'minister Jaslan Madiyev'); no packaged model knows az or kk.
"""
from __future__ import annotations

from lexwatch.nlp.morph import russian_name_tags


def role_persons(doc, core) -> list[str]:
    """Names right after a role word ('депутат Екатерина Смышляева', 'deputy head ... Bauyrzhan
    Abenov'): two or three capitalised words that are not vocabulary terms."""
    taken = set()
    for s in core:
        for label, start, end in s.spans:
            if not label.startswith(("ROLE", "COUNTRY_", "BODY_", "INSTR_")):
                taken.update(range(start, end))
    out: list[str] = []
    for s in core:
        for _, start, end in s.of("ROLE"):
            for i in range(end, min(end + 6, s.end - 1)):
                if _is_name_token(doc[i], taken) and _is_name_token(doc[i + 1], taken):
                    j = i + 2
                    if j < s.end and _is_name_token(doc[j], taken) and j - i < 3:
                        j += 1
                    name = doc[i:j].text
                    if name not in out:
                        out.append(name)
                    break
    return out


def _is_name_token(token, taken) -> bool:
    return token.is_alpha and token.is_title and len(token.text) > 1 and token.i not in taken


def russian_name_persons(doc, core) -> list[str]:
    """Two or three adjacent capitalised words (a hyphen may join two: Энгель-Шмидт, Касым-Жомарт)
    that pymorphy3's dictionary reads as a first name followed by more, or as words ending in a
    surname; none read first as a place or organisation ('Крыма'), none part of a vocabulary term."""
    taken = set()
    for s in core:
        for label, start, end in s.spans:
            if label.startswith(("COUNTRY_", "BODY_", "INSTR_")):
                taken.update(range(start, end))
    out: list[str] = []
    for s in core:
        words = _capitalised_words(doc, s.start, s.end, taken)
        i = 0
        while i < len(words):
            run = [words[i]]
            while i + len(run) < len(words) and len(run) < 3 and words[i + len(run)][0] == run[-1][1]:
                run.append(words[i + len(run)])
            size = next((n for n in (3, 2) if n <= len(run) and _is_name(doc, run[:n])), 0)
            if size:
                name = doc[run[0][0]:run[size - 1][1]].text
                if name not in out:
                    out.append(name)
                i += size
            else:
                i += 1
    return out


def _is_name(doc, run) -> bool:
    tags = [russian_name_tags(part) for a, b in run for part in doc[a:b].text.split("-")]
    if any(t & {"Geox!", "Orgn!"} for t in tags):
        return False
    first = russian_name_tags(doc[run[0][0]].text)
    last = russian_name_tags(doc[run[-1][1] - 1].text)
    return "Name" in first or "Surn" in last


def _capitalised_words(doc, start: int, end: int, taken) -> list[tuple[int, int]]:
    """(start, end) of capitalised words; a hyphenated pair is one word."""
    out = []
    i = start
    while i < end:
        t = doc[i]
        if t.is_alpha and t.is_title and len(t.text) > 1 and i not in taken:
            j = i + 1
            if j + 1 < end and doc[j].text == "-" and not t.whitespace_ and not doc[j].whitespace_ \
                    and doc[j + 1].is_alpha and doc[j + 1].is_title:
                j += 2
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def persons(doc, core, rule_language: str) -> list[str]:
    if rule_language == "ru":
        return russian_name_persons(doc, core)
    return role_persons(doc, core)
