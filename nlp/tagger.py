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

from collections import defaultdict

from lexwatch.article import empty_deepfake
from lexwatch.outlets import home_country
from lexwatch.nlp.instruments import extract_instruments
from lexwatch.nlp.penalties import extract_penalties
from lexwatch.nlp.rules import rule_language
from lexwatch.nlp.spacy_pipelines import analyzer

# Legislative progress, least to most advanced; guidance and enforcement stand apart.
PROGRESSION = ("proposal", "committee", "reading", "adopted", "signed", "in_force")
PRECEDENCE = ("in_force", "signed", "adopted", "reading", "committee", "enforcement", "guidance", "proposal")
CORE_WINDOW = 2          # sentences either side of a topic sentence that still belong to the story
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
    result["stage"], result["reading"] = _stage(doc, sentences, core)
    result["penalties"] = extract_penalties(doc, an, matches, core_starts)
    result["instruments"] = extract_instruments(doc, an, matches, core_starts)
    result["jurisdictions"] = _jurisdictions(core, an.rules, outlet)
    result["bodies"] = _names(core, "BODY_")
    result["obligations"] = _names(core, "OBL_")
    result["persons"] = _persons(doc, core)
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
    for match_id, start, end in matches:
        s = index_of.get(start)
        if s is None:
            continue
        label = strings[match_id]
        s.labels.add(label)
        s.spans.append((label, start, end))
    for s in out:
        # background opener: a BG cue among the first three tokens of the sentence
        s.background = any(start - s.start <= 2 for _, start, _ in s.of("BG"))
    return out


def _is_topic(s: _Sentence) -> bool:
    return "TOPIC_strong" in s.labels or ("TOPIC_ai" in s.labels and "TOPIC_media" in s.labels)


def _is_legal(s: _Sentence) -> bool:
    # money words ('cost', 'budget') and bare stage verbs ('approved', 'unveiled') are not legal signals
    return "LEGAL" in s.labels or s.has("INSTR_") or any(
        lab.startswith("KIND_") and lab not in ("KIND_not_penalty", "KIND_generic") for lab in s.labels)


def _relevance_score(sentences, topic) -> float:
    if not topic:
        return 0.0
    by_index = {s.index: s for s in sentences}
    legal_near = 0
    legal_same = 0
    for s in topic:
        if _is_legal(s):
            legal_same += 1
        if any(_is_legal(by_index[j]) for j in (s.index - 1, s.index, s.index + 1) if j in by_index):
            legal_near += 1
    title_topic = any(s.is_title for s in topic)
    body_topic = sum(1 for s in topic if not s.is_title)
    score = 0.2 + 0.1 * min(body_topic, 3) + (0.15 if title_topic else 0.0)
    score += 0.15 * min(legal_near, 2) + 0.1 * min(legal_same, 2)
    if not legal_near:
        score = min(score, 0.35)
    return max(0.0, min(1.0, score))


def _core(sentences, topic) -> list[_Sentence]:
    keep = {s.index for s in sentences if s.is_title}
    for s in topic:
        keep.update(range(s.index - CORE_WINDOW, s.index + CORE_WINDOW + 1))
    return [s for s in sentences if s.index in keep]


def _reading_number(doc, s: _Sentence) -> tuple[int | None, bool]:
    readings = s.of("STAGE_reading")
    if not readings:
        return None, False
    final = bool(s.of("FINAL"))
    for label, start, end in s.of("ORD_"):
        if any(abs(start - r_s) <= 3 or abs(r_e - start) <= 3 for _, r_s, r_e in readings):
            return int(label), final or label == "3"
    return None, final


def _sentence_stage(doc, s: _Sentence) -> tuple[str | None, int | None]:
    stages = {label for label, _, _ in s.of("STAGE_")}
    if not stages:
        return None, None
    if "reading" in stages:
        number, final = _reading_number(doc, s)
        if final:
            return "adopted", None
        if number:
            return "reading", number
        stages.discard("reading")
    if "committee" in stages and "adopted" in stages:
        return "committee", None        # 'the committee approved' is a committee step, not adoption
    for stage in PRECEDENCE:
        if stage in stages:
            return stage, None
    return None, None


def _stage(doc, sentences, core) -> tuple[str | None, int | None]:
    """The title's stage if it states one beyond 'proposal'; else the first core, non-background
    sentence that states one; else 'proposal' when anything is proposed at all."""
    ordered = [s for s in core if s.is_title] + [s for s in core if not s.is_title and not s.background]
    proposal_seen = False
    for s in ordered:
        stage, reading = _sentence_stage(doc, s)
        if stage is None:
            continue
        if stage == "proposal":
            proposal_seen = True
            continue
        return stage, reading
    return ("proposal", None) if proposal_seen or core else (None, None)


def _jurisdictions(core, rules, outlet) -> list[str]:
    bodies = rules.get("bodies", {})
    weight: dict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    for s in core:
        w = 3.0 if s.is_title else 0.5 if s.background else 1.0
        for code, start, _ in s.of("COUNTRY_"):
            weight[code] += w
            first_seen.setdefault(code, start)
        for name, start, _ in s.of("BODY_"):
            code = (bodies.get(name) or {}).get("country")
            if code:
                weight[code] += w
                first_seen.setdefault(code, start)
    if not weight:
        home = home_country(outlet)   # the outlet registry's home country: a weak prior
        return [home] if home else []
    top = max(weight.values())
    chosen = [c for c, w in weight.items() if w >= 0.5 * top]
    return sorted(chosen, key=lambda c: first_seen[c])


def _names(core, prefix) -> list[str]:
    found: list[tuple[int, str]] = []
    for s in core:
        found += [(start, name) for name, start, _ in s.of(prefix)]
    out: list[str] = []
    for _, name in sorted(found):
        if name not in out:
            out.append(name)
    return out


def _persons(doc, core) -> list[str]:
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
