"""Grouping: relevant articles (Members) -> developments, deterministically and order-independently.

1. Editions: articles that name each other as translations are one story (union-find over links).
2. Each story gets one jurisdiction, instrument key, stage and reading by majority of its editions
   (the tagger may read a stage or an instrument in one language and miss it in another).
3. Its block is jurisdiction + instrument key: one instrument track. Stories without a named
   instrument share their country's "~" block of their month, where headline similarity must also agree.
4. Within a block, stories in day order join a development of the same stage and reading whose
   last day is at most WINDOW_DAYS and first day at most SPAN_DAYS before theirs (outlets report
   one event over a few days); among several, the one whose headlines are most alike. Court
   cases (enforcement) also need alike headlines: two verdicts under one article in a week are
   two events.
5. A block is one track, except guidance and enforcement citing articles of the code that none of
   its legislative steps names: those cite an existing article (a defamation article applied to a
   deepfake), a track of their own per article (developments sharing a cited article share it).
The answer depends only on the set of members: sorting by (day, id) fixes every choice, so
incremental regrouping of a block and a full rebuild agree.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date
from functools import lru_cache

from lexwatch.developments.keys import instrument_label, instrument_rank
from lexwatch.developments.model import Development, Member
from lexwatch.developments.penalties import merge_penalties

WINDOW_DAYS = 3          # days between two reports of one event (a law signed on the 17th, analysed on the 18th)
SPAN_DAYS = 7            # the longest a development stretches
UNKEYED_SIMILARITY = 0.2  # headline overlap two stories need when neither names the instrument
UNKEYED = "~"
SEPARATE_EVENTS = ("enforcement",)       # stages whose same-day reports are often different events
CITING = ("guidance", "enforcement")     # stages that apply an instrument rather than make it
# A stage two editions disagree on: the more advanced / more specific wins a tie.
STAGE_PRECEDENCE = ("in_force", "signed", "adopted", "reading", "committee", "enforcement", "guidance", "proposal")


class _UnionFind:
    def __init__(self, items):
        self.parent = {i: i for i in items}

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:   # the smaller id is the root: deterministic
            self.parent[max(ra, rb)] = min(ra, rb)


class Story:
    """The editions of one story and the features they agree on."""

    def __init__(self, members: list[Member]) -> None:
        self.members = sorted(members, key=lambda m: (m.day, m.id))
        self.id = min(m.id for m in members)
        self.day = min((m.day for m in members if m.day), default="")
        self.jurisdiction = _majority([m.jurisdiction for m in self.members if m.jurisdiction])
        votes: Counter = Counter()
        for m in self.members:
            votes.update(m.votes)
        self.instrument = min(votes, key=lambda k: (-votes[k], instrument_rank(k), k)) if votes else None
        self.stage = _majority([m.stage for m in self.members if m.stage], STAGE_PRECEDENCE)
        readings = [m.reading for m in self.members if m.stage == self.stage and m.reading]
        self.reading = _majority(readings) if readings else None
        self.words = _headline_words(m.title for m in self.members)

    @property
    def block(self) -> str:
        if self.instrument:
            return f"{self.jurisdiction or '--'}|{self.instrument}"
        # unnamed instruments: one block per country and month, so what one new article makes the
        # step regroup stays small (two reports of one event across a month's end stay apart)
        return f"{self.jurisdiction or '--'}|{UNKEYED}|{self.day[:7]}"


def stories(members: list[Member]) -> list[Story]:
    """Members joined into stories by their translation links (only links to members count)."""
    by_id = {m.id: m for m in members}
    uf = _UnionFind(by_id)
    for m in members:
        for other in m.links:
            if other in by_id:
                uf.union(m.id, other)
    groups: dict[str, list[Member]] = {}
    for m in members:
        groups.setdefault(uf.find(m.id), []).append(m)
    return [Story(g) for g in groups.values()]


def group(members: list[Member]) -> list[Development]:
    """Every member in exactly one development; the same members always give the same developments."""
    blocks: dict[str, list[Story]] = {}
    for story in stories(members):
        blocks.setdefault(story.block, []).append(story)
    out: list[Development] = []
    for block in sorted(blocks):
        out += _group_block(block, blocks[block])
    return out


def _group_block(block: str, block_stories: list[Story]) -> list[Development]:
    keyed = f"|{UNKEYED}" not in block
    done: list[list[Story]] = []
    open_: list[list[Story]] = []       # developments a later story may still join (within the window)
    for story in sorted(block_stories, key=lambda s: (s.day, s.id)):
        still = [dev for dev in open_ if _days(dev[-1].day, story.day) <= WINDOW_DAYS]
        if len(still) < len(open_):
            done += [dev for dev in open_ if _days(dev[-1].day, story.day) > WINDOW_DAYS]
            open_ = still
        best, best_sim = None, -1.0
        for dev in open_:
            head = dev[0]
            if (head.stage, head.reading) != (story.stage, story.reading):
                continue
            if _days(dev[-1].day, story.day) > WINDOW_DAYS or _days(head.day, story.day) > SPAN_DAYS:
                continue
            sim = max(_similarity(story.words, s.words) for s in dev)
            if (not keyed or story.stage in SEPARATE_EVENTS) and sim < UNKEYED_SIMILARITY:
                continue
            if sim > best_sim:
                best, best_sim = dev, sim
        if best is None:
            open_.append([story])
        else:
            best.append(story)
    developments = [_development(block, dev) for dev in sorted(done + open_, key=lambda d: (d[0].day, d[0].id))]
    if keyed:
        _split_cited_articles(block, developments)
    return developments


def _split_cited_articles(block: str, developments: list[Development]) -> None:
    legislative = {r for d in developments if d.stage not in CITING for r in d.refs}
    citing = [d for d in developments if d.stage in CITING and d.refs and not set(d.refs) & legislative]
    uf = _UnionFind([d.id for d in citing])
    by_ref: dict[str, str] = {}
    for d in citing:
        for ref in d.refs:
            if ref in by_ref:
                uf.union(d.id, by_ref[ref])
            by_ref.setdefault(ref, d.id)
    components: dict[str, list[Development]] = {}
    for d in citing:
        components.setdefault(uf.find(d.id), []).append(d)
    for devs in components.values():
        refs = sorted({r for d in devs for r in d.refs}, key=_ref_order)
        for d in devs:
            d.track_id = _hash(block, "art", *refs)
            d.instrument_label = f"{d.instrument_label} art. {', '.join(refs)}"


def _ref_order(ref: str) -> tuple:
    digits = re.match(r"\d+", ref)
    return (int(digits.group()) if digits else 10**9, ref)


def _development(block: str, dev: list[Story]) -> Development:
    head = dev[0]
    members = sorted((m for s in dev for m in s.members), key=lambda m: (m.day, m.id))
    jurisdiction, instrument = head.jurisdiction, head.instrument
    dev_id = _hash(block, head.stage or "", str(head.reading or ""), head.day, head.id)
    track_id = _hash(block) if instrument else _hash(block, dev_id)   # unnamed: a track of its own
    english = [m for m in members if m.language == "en"]
    refs: list[str] = []
    for m in members:
        for ref in m.refs.get(instrument or "", []):
            if ref not in refs:
                refs.append(ref)
    return Development(
        id=dev_id, track_id=track_id, block=block, jurisdiction=jurisdiction, instrument=instrument,
        instrument_label=instrument_label(instrument), refs=refs, stage=head.stage, reading=head.reading,
        first_day=min((m.day for m in members if m.day), default=""),
        last_day=max((m.day for m in members if m.day), default=""),
        title=(english or members)[0].title,
        penalties=merge_penalties([p for m in members for p in m.penalties]),
        languages=dict(sorted(Counter(m.language or "?" for m in members).items())),
        outlets=dict(sorted(Counter(m.outlet for m in members).items())),
        article_ids=[m.id for m in members], members=members)


def _majority(values: list, precedence: tuple = ()) -> object | None:
    if not values:
        return None
    counts = Counter(values)
    rank = {v: i for i, v in enumerate(precedence)}
    return min(counts, key=lambda v: (-counts[v], rank.get(v, len(rank)), str(v)))


_WORD = re.compile(r"\w{4,}", re.U)


def _headline_words(titles) -> frozenset[str]:
    """Word prefixes of the headlines (six letters stand in for a stem in any of the four languages)."""
    return frozenset(w.casefold()[:6] for t in titles for w in _WORD.findall(t) if not w.isdigit())


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _days(earlier: str, later: str) -> int:
    if not earlier or not later:
        return 0 if earlier == later else 10_000
    return abs(_ordinal(later) - _ordinal(earlier))


@lru_cache(maxsize=4096)
def _ordinal(day: str) -> int:
    return date.fromisoformat(day).toordinal()


def _hash(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:20]
