"""The GROUP step against a store: attach newly stored articles to developments, and rebuild all.

attach() regroups only what a batch can change: the blocks (jurisdiction + instrument) of the
stories its articles join, closed over translation links, read back from the stored developments'
members; grouping.group() over that closed set gives exactly what a rebuild gives for those blocks.
Settings: none; every writer of articles (the crawl's store pipeline, spool replays, reprocess)
calls attach() after its upsert.
"""
from __future__ import annotations

from typing import Iterable

from lexwatch.article import Article
from lexwatch.developments.grouping import group, stories
from lexwatch.developments.keys import member_of
from lexwatch.developments.model import Development, Member
from lexwatch.index.store import Filters, Store

MAX_ROUNDS = 50   # closure rounds; each adds at least one block, so real data needs two or three


def attach(store: Store, articles: Iterable[Article]) -> int:
    """Regroup what `articles` (just stored, relevant or not) touch; returns the developments written."""
    articles = list(articles)
    if not articles:
        return 0
    changed = {a.id for a in articles}
    members: dict[str, Member] = {}
    for a in articles:
        m = member_of(a)
        if m is not None:
            members[m.id] = m
    ids = set(changed) | {i for m in members.values() for i in m.links}
    loaded: dict[str, Development] = {}
    asked_blocks: set[str] = set()
    for _ in range(MAX_ROUNDS):
        blocks = {s.block for s in stories(list(members.values()))} | {d.block for d in loaded.values()}
        fresh = [d for d in store.developments_touching(sorted(ids), sorted(blocks - asked_blocks))
                 if d.id not in loaded]
        asked_blocks |= blocks
        ids = set()          # ids are asked once: what a round adds is found by its blocks
        if not fresh:
            break
        for dev in fresh:
            loaded[dev.id] = dev
            for m in dev.members:
                if m.id not in changed:
                    members.setdefault(m.id, m)
    developments = group(list(members.values()))
    store.replace_developments(sorted(loaded), developments)
    return len(developments)


def detach(store: Store, article_ids: Iterable[str]) -> int:
    """Regroup after articles were deleted: their developments lose them."""
    ids = set(article_ids)
    touched = store.developments_touching(sorted(ids), [])
    if not touched:
        return 0
    members = [m for d in touched for m in d.members if m.id not in ids]
    blocks = sorted({d.block for d in touched})
    extra = [d for d in store.developments_touching([], blocks) if d.id not in {t.id for t in touched}]
    members += [m for d in extra for m in d.members]
    developments = group(members)
    store.replace_developments(sorted({d.id for d in touched + extra}), developments)
    return len(developments)


def rebuild(store: Store) -> tuple[int, int]:
    """Recompute every development from the stored articles (after a tagger change).
    Returns (relevant articles, developments)."""
    members = [m for m in (member_of(a) for a in store.iterate("", Filters(relevant=True))) if m is not None]
    developments = group(members)
    store.clear_developments()
    store.replace_developments([], developments)
    return len(members), len(developments)
