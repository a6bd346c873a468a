"""The deepfake-regulation tagger: fills Article.deepfake from title and body.

Reads spans of the rule PhraseMatcher (nlp.spacy_pipelines) sentence by sentence:
- a *topic* sentence names deepfakes / synthetic media, or AI together with images, voices, content;
- the article is relevant when topic sentences sit next to legal vocabulary (laws, penalties, stages);
- stage, penalties, instruments, jurisdictions, bodies and obligations are read only in the title and
  the *core* sentences (topic sentences and their neighbours), so a paragraph on another subject
  does not leak in; sentences opening with 'Earlier'/'Ранее'/'Xatırladaq' are background and
  never decide the stage.
"""
from __future__ import annotations

from lexwatch.article import empty_deepfake
from lexwatch.outlets import home_country
from lexwatch.nlp.instruments import extract_instruments
from lexwatch.nlp.jurisdiction import jurisdictions
from lexwatch.nlp.penalties import LIST_ITEM_TOKENS, extract_penalties
from lexwatch.nlp.people import persons
from lexwatch.nlp.rules import rule_language
from lexwatch.nlp.spacy_pipelines import analyzer
from lexwatch.nlp.stage import stage_of

# Legislative progress, least to most advanced; guidance and enforcement stand apart.
PROGRESSION = ("proposal", "committee", "reading", "adopted", "signed", "in_force")
CORE_WINDOW = 2          # sentences either side of a topic sentence that still belong to the story
PENALTY_WINDOW = 5       # sentences after a topic sentence where its sanctions may still be stated
RELEVANCE_THRESHOLD = 0.5


class _Sentence:
    __slots__ = ("index", "start", "end", "labels", "spans", "background", "is_title")

    def __init__(self, index, start, end, is_title):
        self.index, self.start, self.end, self.is_title = index, start, end, is_title
        self.labels: set[str] = set()
        self.spans: list[tuple[str, int, int]] = []
        self.background = False

    def has(self, prefix: str) -> bool:
        return any(label.startswith(prefix) for label in self.labels)

    def of(self, prefix: str) -> list[tuple[str, int, int]]:
        return [(label[len(prefix):], s, e) for label, s, e in self.spans if label.startswith(prefix)]


def tag(title: str, body: str, language: str | None, outlet: str | None = None) -> dict:
    an = analyzer(rule_language(language))
    title = " ".join((title or "").split())
    text = f"{title}\n\n{body or ''}" if title else (body or "")
    if not text.strip():
        return empty_deepfake()
    # The pipeline in two steps: tokens and lemmas first; a text with no topic phrase's first lemma
    # cannot have a topic sentence (score 0), so most news stops here, before sentences and matching.
    doc = an.nlp.make_doc(text)
    pipes = an.nlp.pipeline
    doc = pipes[0][1](doc)
    if an.topic_head_ids.isdisjoint(doc.to_array("LEMMA").tolist()):   # no Token objects made
        return empty_deepfake()
    for _, pipe in pipes[1:]:
        doc = pipe(doc)
    matches = an.matcher(doc)
    title_end = len(an.nlp.make_doc(title)) if title else 0
    sentences = _sentences(doc, matches, an, title_end)
    topic = [s for s in sentences if _is_topic(s)]
    result = empty_deepfake()
    score = _relevance_score(sentences, topic)
    result["score"] = round(score, 3)
    if score < RELEVANCE_THRESHOLD:
        return result
    core = _core(sentences, topic)
    core_starts = {s.start for s in core}
    result["relevant"] = True
    result["stage"], result["reading"] = stage_of(doc, core, an)
    # sanctions recalled from the past ('until now the offence carried five years') are not the story's
    result["jurisdictions"] = jurisdictions(doc, sentences, core, an.rules, home_country(outlet), an.scales)
    story = _penalty_sentences(sentences, topic, result["jurisdictions"])
    result["penalties"] = extract_penalties(doc, an, matches, story)
    result["instruments"] = extract_instruments(doc, an, matches, story)
    result["bodies"] = _names(core, "BODY_")
    result["obligations"] = _names(core, "OBL_")
    result["persons"] = persons(doc, core, an.language)
    return result


def _sentences(doc, matches, an, title_end) -> list[_Sentence]:
    strings = an.nlp.vocab.strings
    out: list[_Sentence] = []
    index_of: dict[int, _Sentence] = {}
    for i, sent in enumerate(doc.sents):
        if not sent.text.strip():
            continue
        s = _Sentence(len(out), sent.start, sent.end, sent.start < title_end)
        out.append(s)
        for t in range(sent.start, sent.end):
            index_of[t] = s
    noun_cues = an.rules.get("noun_when_followed_by", {})
    for match_id, start, end in matches:
        s = index_of.get(start)
        if s is None:
            continue
        label = strings[match_id]
        if label in noun_cues and end < len(doc) and doc[end].lower_ in noun_cues[label]:
            continue                     # 'signs of synthetic voices': the stem of 'signed' used as a noun
        s.labels.add(label)
        s.spans.append((label, start, end))
    for s in out:
        # background opener: a BG cue among the first three tokens of the sentence
        s.background = any(start - s.start <= 2 for _, start, _ in s.of("BG"))
    return out


def _is_topic(s: _Sentence) -> bool:
    return "TOPIC_strong" in s.labels or ("TOPIC_ai" in s.labels and "TOPIC_media" in s.labels)


def _is_legal(s: _Sentence) -> bool:
    # money words ('cost', 'budget') and bare stage verbs ('approved', 'unveiled') are not legal signals;
    # a law entering into force, being signed, or police and courts acting on a case are
    return "LEGAL" in s.labels or s.has("INSTR_") or any(
        lab.startswith("KIND_") and lab not in ("KIND_not_penalty", "KIND_generic") for lab in s.labels) or bool(
        s.labels & {"STAGE_in_force", "STAGE_signed", "STAGE_enforcement"})


def _is_regulating(s: _Sentence) -> bool:
    """A topic sentence that itself imposes a duty: 'deepfakes must be clearly labelled'."""
    return _is_legal(s) or s.has("OBL_")


def _relevance_score(sentences, topic) -> float:
    if not topic:
        return 0.0
    by_index = {s.index: s for s in sentences}
    legal_near = 0
    legal_same = 0
    for s in topic:
        if _is_regulating(s):
            legal_same += 1
        if any(_is_legal(by_index[j]) for j in (s.index - 1, s.index, s.index + 1) if j in by_index) or any(
                "STAGE_enforcement" in by_index[j].labels for j in (s.index - 2, s.index + 2) if j in by_index):
            legal_near += 1
    title_topic = any(s.is_title for s in topic)
    body_topic = sum(1 for s in topic if not s.is_title)
    # a headline about a law or a proposal frames a body that only names deepfakes
    title_legal = any(s.is_title and (_is_legal(s) or s.has("STAGE_proposal")) for s in sentences)
    score = 0.2 + 0.1 * min(body_topic, 3) + (0.15 if title_topic else 0.0) + (0.1 if title_legal else 0.0)
    score += 0.15 * min(legal_near, 2) + 0.1 * min(legal_same, 2)
    if not legal_near:
        score = min(score, 0.35)
    return max(0.0, min(1.0, score))


def _core(sentences, topic) -> list[_Sentence]:
    keep = {s.index for s in sentences if s.is_title}
    for s in topic:
        keep.update(range(s.index - CORE_WINDOW, s.index + CORE_WINDOW + 1))
    # a list of penalties, one per line, belongs to the story as a whole when its lead line does
    for s in sentences:
        if s.index - 1 in keep and s.index not in keep and _is_list_item(s) \
                and (sentences[s.index - 1].has("KIND_") or _is_list_item(sentences[s.index - 1])):
            keep.add(s.index)
    return [s for s in sentences if s.index in keep]


def _penalty_sentences(sentences, topic, chosen) -> set[int]:
    """Where the story's sanctions may be stated: real articles give them a few sentences after
    the topic sentence ('Under the bill, ...'). Sentences up to PENALTY_WINDOW away, except
    background ones ('until now ...') and those about another country's law."""
    keep = set()
    for t in topic:
        keep.update(range(t.index - CORE_WINDOW, t.index + PENALTY_WINDOW + 1))
    for s in sentences:            # list items under a kept lead line
        if s.index - 1 in keep and _is_list_item(s):
            keep.add(s.index)
    out = set()
    for s in sentences:
        if s.index not in keep or s.background:
            continue
        named = {code for code, _, _ in s.of("COUNTRY_")}
        if named and chosen and not named & set(chosen):
            continue
        out.add(s.start)
    return out


def _is_list_item(s: _Sentence) -> bool:
    return s.end - s.start <= LIST_ITEM_TOKENS and s.has("UNIT_")


def _names(core, prefix) -> list[str]:
    found: list[tuple[int, str]] = []
    for s in core:
        found += [(start, name) for name, start, _ in s.of(prefix)]
    out: list[str] = []
    for _, name in sorted(found):
        if name not in out:
            out.append(name)
    return out
