"""What a digest shows of developments: one entry per development (its language versions as links)
instead of one per article, and the "stage changes" its new developments make on their tracks
(e.g. "Azerbaijan, Criminal Code: adopted → signed").

A subscription with `stage_changes_only` keeps only developments new to it (none of whose articles
it was sent before) on named instruments, optionally of chosen instruments; its countries are the
subscription's country filter.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lexwatch.article import Article
from lexwatch.developments.model import Development, DevelopmentQuery
from lexwatch.developments.tracks import build_tracks
from lexwatch.index.store import Store


@dataclass
class DigestDevelopments:
    """The developments of a digest's articles, and each one's previous step on its track."""
    of_article: dict[str, Development] = field(default_factory=dict)
    previous: dict[str, Development | None] = field(default_factory=dict)

    @property
    def developments(self) -> list[Development]:
        unique = {d.id: d for d in self.of_article.values()}
        return sorted(unique.values(), key=lambda d: (d.first_day, d.id))


def find_developments(store: Store, articles: list[Article]) -> DigestDevelopments:
    found = DigestDevelopments()
    ids = [a.id for a in articles]
    if not ids:
        return found
    for dev in store.developments_touching(ids, []):
        for article_id in dev.article_ids:
            if article_id in ids:
                found.of_article[article_id] = dev
    track_ids = sorted({d.track_id for d in found.developments})
    if track_ids:
        for track in build_tracks(store.list_developments(DevelopmentQuery(track_ids=track_ids), members=False)):
            order = [d.id for d in track.developments]
            for i, dev_id in enumerate(order):
                found.previous[dev_id] = track.developments[i - 1] if i else None
    return found


def stage_changes_only(found: DigestDevelopments, articles: list[Article], already_sent, instruments: list[str]
                       ) -> list[Article]:
    """The articles of developments new to the subscriber, on a named (or a chosen) instrument."""
    keep = []
    for a in articles:
        dev = found.of_article.get(a.id)
        if dev is None or dev.instrument is None:
            continue
        if instruments and dev.instrument not in instruments:
            continue
        if any(already_sent(i) for i in dev.article_ids):
            continue
        keep.append(a)
    return keep
