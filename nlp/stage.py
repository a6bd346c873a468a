"""The stage of the news: what happened to the measure in this story, not what its background recalls.

Read from the stage cues of the rule files (STAGE_*), sentence by sentence, with the corrections
real reporting needs:
- tense and modality: lemmas drop them, so they are read from the tokens. 'will be adopted',
  'may introduce', 'plans to sign', 'будет принят', 'примут', 'qəbul ediləcək' state no achieved
  step: such a cue counts as a proposal. A future entry into force ('will take effect in March')
  states no stage at all (the story's other sentences say how far the law has got); when no
  sentence states any step, not even a proposal, that date says the act was signed or promulgated;
- a chamber passing a bill that then goes to the other chamber ('passed by the Senate, now heads
  to the House', 'одобрен Мажилисом и направлен в Сенат') is a reading, not adoption;
- a code of practice or guidelines that a body adopts or publishes is guidance, never in force;
- a court, regulator or police acting on a case is the news even when the same sentence names the
  law's adoption or signature in its main clause ('judge blocks law two weeks after signing'):
  the main clause's cue wins, the first in en and ru, the last in verb-final az and kk;
- a government or cabinet approving a draft sends it to parliament: that is a proposal, since
  executives do not adopt laws ('the cabinet approved a draft law', 'Үкімет заң жобасын мақұлдады');
- a step stated in a relative clause ('rules that took effect in 2023', 'закон, который вступил в
  силу') describes the antecedent, another measure or an earlier step, not this news.
"""
from __future__ import annotations

from lexwatch.nlp import morph

PRECEDENCE = ("in_force", "signed", "adopted", "reading", "committee", "enforcement", "guidance", "proposal")
# Steps a measure has taken; said in the future or with a modal they are still a proposal.
ACHIEVED = frozenset({"committee", "reading", "adopted", "signed", "enforcement"})
MODAL_REACH = 4          # tokens before a stage cue where 'will', 'may', 'планирует' still govern it
RECALL_REACH = 6         # tokens after a stage cue where 'last year', 'in 2023' date it to the past


RELATIVE_STAGES = frozenset({"adopted", "signed", "in_force"})
RELATIVE_REACH = 2       # 'that took effect', 'которые вступили в силу', 'which was adopted'
LEAD_SENTENCES = 3       # body sentences stating a stage that still tell this news; later ones recall context


def stage_of(doc, core, analyzer) -> tuple[str | None, int | None]:
    """The stage the headline and the lead state: the title's if beyond 'proposal', else the first
    of the lead's sentences that states one beyond it; 'proposal' when they propose something; only
    then the rest of the core (background sentences never)."""
    titles = [s for s in core if s.is_title]
    body = [s for s in core if not s.is_title and not s.background]
    # the bill goes on to the other chamber: whoever 'passed' or 'approved' it, it is at a reading
    moving_on = any(_sent_on(doc, s, analyzer) for s in titles + body)
    stated = [(s, sentence_stage(doc, s, analyzer, moving_on)) for s in titles + body]
    stated = [(s, st) for s, st in stated if st[0] is not None]
    lead = [(s, st) for s, st in stated if s.is_title] + [(s, st) for s, st in stated if not s.is_title][:LEAD_SENTENCES]
    if any(_executive_approves(s) and s.has("STAGE_proposal") for s, _ in lead):
        # 'Spain approves draft law' over a lead that says the cabinet approved it: a draft on its way to parliament
        lead = [(s, ("proposal", None) if s.is_title and st[0] == "adopted" and s.has("STAGE_proposal") else st)
                for s, st in lead]
    for group in (lead, stated):
        for _, (stage, reading) in group:
            if stage == "adopted":
                # 'Mazhilis approves deepfake bill' over a lead that says 'in the first reading'
                readings = [st for _, st in lead if st[0] == "reading" and st[1]]
                if readings:
                    return readings[0]
            if stage != "proposal":
                return stage, reading
        if any(stage == "proposal" for _, (stage, _) in group):
            return "proposal", None
    if any(s.of("STAGE_in_force") and not s.of("NEG") for s in titles + body):
        # nothing states a step, not even a proposal, yet the measure 'will take effect on 1 September':
        # only a signed or promulgated act has a date of entry into force ('Qaydalar … qüvvəyə minəcək')
        return "signed", None
    return ("proposal", None) if core else (None, None)


def sentence_stage(doc, s, analyzer, moving_on: bool = False) -> tuple[str | None, int | None]:
    stages = _cue_stages(doc, s, analyzer)
    if not stages and _sent_on(doc, s, analyzer):
        return "reading", None          # 'Senate returns the AI law to the Mazhilis'
    if not stages:
        return None, None
    if "guidance_doc" in stages and not stages & {"enforcement", "reading"}:
        return "guidance", None          # 'the Commission adopted a code of practice'
    stages.discard("guidance_doc")
    if "reading" in stages:
        number, final = _reading_number(s)
        if final:
            return "adopted", None
        if number:
            return "reading", number
        stages.discard("reading")
    if "committee" in stages and stages & {"adopted", "support"}:
        return "committee", None        # 'the committee approved / backed the bill' is a committee step
    if "committee" in stages and "proposal" in stages and not stages & {"reading", "signed", "in_force"}:
        stages.discard("committee")     # 'a member of the justice committee submitted a bill': a proposal
    if "enforcement" in stages and _enforcement_leads(s, stages, analyzer.rules):
        return "enforcement", None      # the court or regulator acts; the law's own steps are context
    if "adopted" in stages and "proposal" in stages and _executive_approves(s):
        return "proposal", None         # the cabinet approved a draft law: it goes to parliament
    if _sent_on(doc, s, analyzer) and not stages & {"signed", "in_force", "enforcement"}:
        return "reading", None          # sent on to, or returned to, the other chamber
    if "adopted" in stages and not stages & {"signed", "in_force"} and moving_on:
        return "reading", None          # passed by one chamber, on its way to the other
    for stage in PRECEDENCE:
        if stage in stages:
            return stage, None
    return None, None


def _sent_on(doc, s, analyzer) -> bool:
    """The sentence says the bill went on to (or back to) the other chamber, not that it will."""
    modals = s.of("MODAL")
    return any(not _is_modal(doc, s, start, end, modals, analyzer) for _, start, end in s.of("NEXT"))


def _cue_stages(doc, s, analyzer) -> set[str]:
    stages: set[str] = set()
    modals = s.of("MODAL")
    negations = s.of("NEG")
    recalled = s.of("BG")
    relatives = s.of("REL")
    for stage, start, end in s.of("STAGE_"):
        if any(start - 2 <= n_end <= start for _, _, n_end in negations):
            continue                     # 'не одобрили', 'did not pass'
        if _negative_form(doc, start, end, analyzer.rules):
            continue                     # bəyənməyib (did not approve): az negation is a suffix
        if any(end <= b_start <= end + RECALL_REACH for _, b_start, _ in recalled):
            continue                     # 'which came into force last year': context, not this news
        if stage in RELATIVE_STAGES and any(start - RELATIVE_REACH <= r_end <= start for _, _, r_end in relatives):
            continue                     # 'the rules that took effect in January 2023': another measure's step
        if stage in ACHIEVED or stage == "in_force":
            if _is_modal(doc, s, start, end, modals, analyzer):
                if stage != "in_force":
                    stages.add("proposal")
                continue
        stages.add(stage)
    return stages


LAW_STEPS = ("adopted", "signed", "in_force")


def _enforcement_leads(s, stages: set[str], rules: dict) -> bool:
    """Of an enforcement cue and a cue of the law's own steps in one sentence, the main clause's
    wins: the first in en and ru ('judge blocks law two weeks after signing'; 'parliament passed the
    law after police arrested a student' is adoption), the last in verb-final az and kk."""
    steps = [start for st in LAW_STEPS if st in stages for _, start, _ in s.of(f"STAGE_{st}")]
    if not steps:
        return True
    acts = [start for _, start, _ in s.of("STAGE_enforcement")]
    if rules.get("verb_final"):
        return max(acts) > max(steps)
    return min(acts) < min(steps)


def _executive_approves(s) -> bool:
    """The body named last before the sentence's first approval cue, its subject, is a government
    (cabinet, правительство, Үкімет): 'Spain's cabinet on Tuesday approved a draft', 'Испания үкіметі
    … заң жобасын мақұлдады'; 'the Mazhilis adopted the law the government had drafted' is not."""
    adopted = [start for _, start, _ in s.of("STAGE_adopted")]
    if not adopted:
        return False
    first = min(adopted)
    execs = {end for _, _, end in s.of("EXEC") if end <= first}
    bodies = {end for _, _, end in s.of("BODY_") if end <= first}
    return bool(execs) and max(execs) >= max(bodies, default=-1)


def _is_modal(doc, s, start: int, end: int, modals, analyzer) -> bool:
    """Is the stage cue at start:end said in the future or under a modal?"""
    if any(start - MODAL_REACH <= m_end <= start and m_start >= s.start for _, m_start, m_end in modals):
        return True
    rules = analyzer.rules
    if rules.get("modal_after") and any(end <= m_start <= end + 3 for _, m_start, _ in modals):
        return True                      # az/kk put the modal after the verb: cərimələnə bilər, тартылуы мүмкін
    if rules.get("modal_to") and start > s.start and doc[start - 1].lower_ == "to":
        return True                      # 'plans to adopt', 'due to take effect'
    endings = tuple(rules.get("future_endings", ()))
    if endings and any(t.lower_.endswith(endings) for t in doc[start:end]):
        return True                      # qəbul ediləcək, qüvvəyə minəcək
    if analyzer.language == "ru":
        return any(t.is_alpha and morph.russian_future(t.lower_) for t in doc[start:end])  # примут, вступит
    return False


def _negative_form(doc, start: int, end: int, rules: dict) -> bool:
    endings = rules.get("negative_endings")
    if not endings:
        return False
    for t in doc[start:end]:
        rest = t.lower_[len(t.lemma_):] if t.lower_.startswith(t.lemma_) else ""
        if rest.startswith(tuple(endings)):
            return True
    return False


def _reading_number(s) -> tuple[int | None, bool]:
    readings = s.of("STAGE_reading")
    if not readings:
        return None, False
    final = bool(s.of("FINAL"))
    for label, start, end in s.of("ORD_"):
        if any(abs(start - r_s) <= 3 or abs(r_e - start) <= 3 for _, r_s, r_e in readings):
            return int(label), final or label == "3"
    return None, final
