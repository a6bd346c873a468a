"""Legal instruments named in an article, with article and part numbers when given:
'статья 147 Уголовного кодекса', 'part 2 of Article 145 of the Civil Code', 'Cinayət Məcəlləsinin
147-ci maddəsi', '145.2-ci maddə' (Azerbaijani article.part), 'Article 145(2)', and articles that
laws add between two others, which keep their suffix: 'Article 163-1', '168-1-ci maddə', 'статья
128.1 УК РФ' (a Russian article, not part 1: the rule file's `article_dot` says how a dot reads)."""
from __future__ import annotations

import re

_ARTICLE_NO = re.compile(r"^(\d{1,4})(?:\.(\d{1,3}))?$")
# an added article's suffix: a number (163-1), a capital letter (147-B, Brazil's Penal Code) or a
# Latin ordinal (612-quater, Italy's; 226-8-1 stays a number); lower-case letters are ordinal endings (5-й)
_SUFFIX = re.compile(r"^(?:\d{1,2}|[A-ZА-Я]|bis|ter|quater|quinquies|sexies|septies|octies)$")
_DASHES = ("-", "–")
_WINDOW = 8  # tokens between an article number and the instrument it belongs to


def _number_at(doc, j: int, dot_is_part: bool) -> tuple[str, str | None, int] | None:
    """The article number starting at token j: '147', '163-1' (the tokenizer splits the hyphen;
    an added article keeps its suffix: 163-1 is not 163), '128.1' (a Russian article) or '145.2'
    (article 145, part 2, where `dot_is_part`). Returns (article, part, end token)."""
    m = _ARTICLE_NO.match(doc[j].text)
    if not m:
        return None
    if j + 1 < len(doc) and doc[j].whitespace_ and len(doc[j + 1].text) == 3 and doc[j + 1].text.isdigit():
        return None                                 # 'maddə 1 000 manatadək': an amount, not article 1
    number, dotted = m.group(1), m.group(2)
    part = None
    if dotted:
        if dot_is_part:
            part = dotted
        else:
            number = f"{number}.{dotted}"
    end = j + 1
    if (end + 1 < len(doc) and doc[end].text in _DASHES and not doc[end - 1].whitespace_
            and _SUFFIX.match(doc[end + 1].text)):
        number, end = f"{number}-{doc[end + 1].text}", end + 2
    return number, part, end


def _number_near(doc, start: int, end: int, dot_is_part: bool) -> tuple[int, str, str | None, int] | None:
    """A number right after the word (статья 147, Article 145(2), статья 641-1) or right before it
    (147-ci maddə, 168-1-ci maddə, 147-бабы): (first token, number, part, end token)."""
    for j in (end, end + 1):                        # 'ст. 147', 'статья № 147'
        if j < len(doc) and (j == end or doc[end].text in (".", "№")):
            found = _number_at(doc, j, dot_is_part)
            if found:
                number, part, stop = found
                if not part and stop + 2 < len(doc) + 1 and doc[stop:stop + 1].text == "(" \
                        and doc[stop + 1:stop + 2].text.isdigit():
                    part = doc[stop + 1].text
                return j, number, part, stop
    k = start - 1
    while k >= 0 and k >= start - 3 and (doc[k].text in _DASHES or doc[k].is_alpha and len(doc[k].text) <= 3):
        k -= 1                                      # skip the ordinal ending: 147 - ci
    if 0 <= k < start and _ARTICLE_NO.match(doc[k].text):
        # '168-1-ci': step back over a suffix to the article's first number
        if k >= 2 and doc[k - 1].text in _DASHES and _SUFFIX.match(doc[k].text) and _ARTICLE_NO.match(doc[k - 2].text) \
                and not doc[k - 2].whitespace_:
            k -= 2
        found = _number_at(doc, k, dot_is_part)
        if found:
            return k, found[0], found[1], found[2]
    return None


_ENUM_JOINERS = frozenset({",", "и", "and", "və", "және", "or", "или", "ya"})


def extract_instruments(doc, analyzer, matches, sentences: set[int] | None = None) -> list[dict]:
    strings = analyzer.nlp.vocab.strings
    dot_is_part = analyzer.rules.get("article_dot", "part") == "part"
    starts = _sentence_starts(doc)
    instruments, everywhere, articles, parts = [], [], [], []
    for m, s, e in matches:
        label = strings[m]
        if not label.startswith(("INSTR_", "ART", "PART")):
            continue
        if label.startswith("INSTR_"):
            everywhere.append((label[6:], s, e))
        if sentences is not None and starts[s] not in sentences:
            continue
        if label.startswith("INSTR_"):
            instruments.append((label[6:], s, e))
        elif label == "ART":
            found = _number_near(doc, s, e, dot_is_part)
            if found:
                articles.append((found[1], found[2], min(s, found[0]), max(e, found[3])))
                articles += _listed_articles(doc, found[3], s, dot_is_part)
        elif label == "PART":
            found = _number_near(doc, s, e, True)
            if found:
                parts.append((found[1], min(s, found[0]), max(e, found[3])))
    instruments = _longest(instruments)
    everywhere = _longest(everywhere)
    out: list[dict] = []
    used_names: set[str] = set()
    for number, part, s, e in articles:
        inst = _nearest(instruments, s, e, starts) or _named_before(everywhere, s, doc, starts)
        if inst is None:
            continue
        name, i_s, i_e = inst
        if part is None:
            near = [p for p in parts if abs(p[1] - e) <= 4 or abs(s - p[2]) <= 4]
            part = near[0][0] if near else None
        lo, hi = (min(s, i_s), max(e, i_e)) if starts[i_s] == starts[s] else (s, e)
        for p in parts:
            if p[0] == part and abs(p[1] - s) <= 6:
                lo, hi = min(lo, p[1]), max(hi, p[2])
        out.append({"name": name, "article": number, "part": part, "text": doc[lo:hi].text})
        used_names.add(name)
    for name, s, e in instruments:
        if name not in used_names:
            out.append({"name": name, "article": None, "part": None, "text": doc[s:e].text})
            used_names.add(name)
    seen, unique = set(), []
    for item in out:
        key = (item["name"], item["article"], item["part"])
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _listed_articles(doc, i: int, word_start: int, dot_is_part: bool) -> list[tuple]:
    """'статьях 128.1 («Клевета»), 158 («Кража») и 165': more article numbers after the first,
    each maybe followed by its title in brackets or quotes."""
    out = []
    while i < len(doc):
        if doc[i].text == "(":                       # skip a bracketed title
            close = next((j for j in range(i + 1, min(i + 12, len(doc))) if doc[j].text == ")"), None)
            if close is None:
                break
            i = close + 1
            continue
        if doc[i].lower_ in _ENUM_JOINERS and i + 1 < len(doc):
            j = i + 1
            if doc[j].lower_ in _ENUM_JOINERS and j + 1 < len(doc):      # ', и'
                j += 1
            found = _number_at(doc, j, dot_is_part)
            if found:
                out.append((found[0], found[1], word_start, found[2]))
                i = found[2]
                continue
        break
    return out


def _named_before(instruments, s: int, doc, starts):
    """An article whose code was named in its own sentence far away, or in the sentence before:
    'Проект вносит изменения в ... Кодекс ... . Поправки затронут статью 46 кодекса.'"""
    sent = doc[s].sent
    same = [x for x in instruments if starts[x[1]] == sent.start]
    if same:
        return min(same, key=lambda x: abs(x[1] - s))
    previous = sent
    while previous.start > 0:                      # over blank 'sentences' (paragraph breaks)
        previous = doc[previous.start - 1].sent
        if previous.text.strip():
            break
    if previous.start == sent.start or not previous.text.strip():
        return None
    before = [x for x in instruments if previous.start <= x[1] < previous.end]
    return max(before, key=lambda x: x[1]) if before else None


def _longest(spans):
    spans = sorted(spans, key=lambda x: (x[1], -(x[2] - x[1])))
    out, last_end = [], -1
    for name, s, e in spans:
        if s >= last_end:
            out.append((name, s, e))
            last_end = e
    return out


def _sentence_starts(doc) -> list[int]:
    """Each token's sentence start, computed once: Token.sent walks the doc on every call."""
    starts = [0] * len(doc)
    for sent in doc.sents:
        starts[sent.start:sent.end] = [sent.start] * (sent.end - sent.start)
    return starts


def _nearest(instruments, s, e, starts):
    best, best_d = None, None
    for name, i_s, i_e in instruments:
        if starts[i_s] != starts[s]:
            continue
        d = i_s - e if i_s >= e else s - i_e
        if d < 0:
            d = 0
        if d <= _WINDOW and (best_d is None or d < best_d):
            best, best_d = (name, i_s, i_e), d
    return best
