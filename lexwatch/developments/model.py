"""The records of the GROUP step: Member (what grouping needs of one article), Development, Track.

Developments are stored (both stores); a development keeps its members' features, so the step can
regroup a track from stored developments alone, without reading the articles again. Tracks are
derived from developments when asked (a track is the developments sharing a track_id).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Member:
    """One relevant article as grouping sees it."""
    id: str
    url: str
    title: str
    language: str | None
    outlet: str
    day: str                       # the local publication day, YYYY-MM-DD ("" when unknown)
    published_at: str | None
    stage: str | None
    reading: int | None
    jurisdiction: str | None       # the article's first (main) jurisdiction
    votes: dict[str, float] = field(default_factory=dict)      # instrument key -> weight
    refs: dict[str, list[str]] = field(default_factory=dict)   # instrument key -> article numbers ("163-1")
    penalties: list[dict[str, Any]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)             # ids of its translations (other editions)

    def to_dict(self) -> dict[str, Any]:
        """Shallow: the record is serialised right away (dataclasses.asdict's deep copy was most of
        the GROUP step's time)."""
        return {name: getattr(self, name) for name in _MEMBER_ORDER}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Member":
        return cls(**{k: v for k, v in data.items() if k in _MEMBER_FIELDS})


_MEMBER_ORDER = tuple(f.name for f in dataclasses.fields(Member))
_MEMBER_FIELDS = set(_MEMBER_ORDER)


@dataclass
class Development:
    id: str
    track_id: str
    block: str                     # "KZ|law-on-artificial-intelligence": what one regrouping recomputes
    jurisdiction: str | None
    instrument: str | None         # the instrument key (instruments.yaml), None when none was named
    instrument_label: str
    refs: list[str]                # article numbers of the instrument named by its sources
    stage: str | None
    reading: int | None
    first_day: str
    last_day: str
    title: str                     # one source's headline (English when there is one)
    penalties: list[dict[str, Any]]
    languages: dict[str, int]      # sources by language
    outlets: dict[str, int]        # sources by outlet
    article_ids: list[str]
    members: list[Member] = field(default_factory=list)

    @property
    def linked_ids(self) -> list[str]:
        """Stored or not, every article a member names as its translation: a later article that
        links here (or is linked from here) must regroup this development's block."""
        return sorted({i for m in self.members for i in m.links} - set(self.article_ids))

    def to_dict(self, members: bool = True) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "members"}
        out["article_ids"] = list(self.article_ids)
        if members:
            out["members"] = [m.to_dict() for m in self.members]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Development":
        values = {k: v for k, v in data.items() if k in _DEVELOPMENT_FIELDS}
        values["members"] = [Member.from_dict(m) for m in data.get("members") or []]
        return cls(**values)


_DEVELOPMENT_FIELDS = {f.name for f in dataclasses.fields(Development)}


@dataclass
class Track:
    """The chain of developments of one instrument in one jurisdiction, oldest first."""
    id: str
    jurisdiction: str | None
    instrument: str | None
    instrument_label: str
    developments: list[Development]

    @property
    def current(self) -> Development:
        return self.developments[-1]

    @property
    def first_day(self) -> str:
        return self.developments[0].first_day

    @property
    def last_day(self) -> str:
        return max(d.last_day for d in self.developments)


@dataclass
class DevelopmentQuery:
    """What the tracker, the web page and the digests ask the store for (every field optional)."""
    jurisdictions: list[str] = field(default_factory=list)
    instruments: list[str] = field(default_factory=list)   # instrument keys
    track_ids: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    since: str | None = None                                # last_day on or after (YYYY-MM-DD)

    def __post_init__(self) -> None:
        self.jurisdictions = [j.upper() for j in self.jurisdictions]

    def matches(self, dev: "Development") -> bool:
        """The same test both stores' queries make (the SQLite store filters this way in Python)."""
        return ((not self.jurisdictions or dev.jurisdiction in self.jurisdictions)
                and (not self.instruments or dev.instrument in self.instruments)
                and (not self.track_ids or dev.track_id in self.track_ids)
                and (not self.ids or dev.id in self.ids)
                and (self.since is None or dev.last_day >= self.since))
