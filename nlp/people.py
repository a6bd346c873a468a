"""People named in a story's core sentences.

Russian: natasha's news NER (slovnet over navec embeddings; the weights ship inside the natasha wheel,
nothing is downloaded at run time). On the Russian relevant documents of the real-reporting dev
split it found every person a reader finds, where the role-word heuristic below found about half
and glued place names to some ('Крыма Сергей Карякин', 'Олий Мажлиса'); see EVALUATION.md.
It runs only on relevant Russian stories' core sentences, so its ~0.1 s per story touches a few
percent of a crawl. Without natasha installed, Russian falls back to the heuristic (logged once).

Other languages: two or three capitalised words right after a role word ('deputy Екатерина
Смышляева', 'minister Jaslan Madiyev'); no packaged model knows az or kk.
"""
from __future__ import annotations

import logging
from functools import lru_cache

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _natasha():
    try:
        from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter
    except ImportError:
        log.warning("natasha is not installed: Russian person names come from the role-word heuristic")
        return None
    return Doc, Segmenter(), NewsNERTagger(NewsEmbedding())


def russian_persons(text: str) -> list[str] | None:
    """PER entities of `text`, full names only when a surname also appears alone; None without natasha."""
    loaded = _natasha()
    if loaded is None:
        return None
    doc_class, segmenter, ner = loaded
    doc = doc_class(text)
    doc.segment(segmenter)
    doc.tag_ner(ner)
    names: list[str] = []
    for span in doc.spans:
        name = " ".join(span.text.split())
        if span.type == "PER" and name not in names:
            names.append(name)
    # 'Нилов' after 'Ярослав Нилов' is the same person
    return [n for n in names if not any(n != m and set(n.split()) < set(m.split()) for m in names)]


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


def persons(doc, core, rule_language: str) -> list[str]:
    if rule_language == "ru":
        found = russian_persons(" ".join(doc[s.start:s.end].text.strip() for s in core))
        if found is not None:
            return found
    return role_persons(doc, core)
