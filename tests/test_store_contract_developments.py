"""The developments part of the Store contract (index/store.py): both stores keep, find, replace and
clear developments alike (the `store` fixture runs every test on SQLite and on Elasticsearch)."""
from __future__ import annotations

from lexwatch.developments.grouping import group
from lexwatch.developments.keys import member_of
from lexwatch.developments.model import DevelopmentQuery
from lexwatch.developments.step import attach, detach
from tests.developments_data import replica_articles


def _developments():
    return group([m for m in map(member_of, replica_articles()) if m is not None])


def test_developments_round_trip_and_are_found_by_member_link_and_block(store):
    devs = _developments()
    assert store.list_developments() == []
    store.replace_developments([], devs)
    stored = store.list_developments()
    assert [d.to_dict() for d in stored] == [d.to_dict() for d in sorted(devs, key=lambda d: (d.first_day, d.id))]
    assert all(d.members == [] for d in store.list_developments(members=False))
    one = next(d for d in devs if len(d.article_ids) > 1)
    assert [d.id for d in store.developments_touching([one.article_ids[1]], [])] == [one.id]
    assert {d.id for d in store.developments_touching([], [one.block])} == {d.id for d in devs if d.block == one.block}
    # an edition not stored yet: its translations' development is found by the link
    members = [m for m in map(member_of, replica_articles()) if m is not None]
    absent = next(m for m in members if m.links)
    [linked] = [d for d in group([m for m in members if m.id != absent.id]) if d.linked_ids]
    store.replace_developments([], [linked])
    assert linked.id in {d.id for d in store.developments_touching([absent.id], [])}
    assert store.developments_touching(["0" * 24], ["XX|nothing"]) == []


def test_queries_filter_alike(store):
    devs = _developments()
    store.replace_developments([], devs)
    for query in (DevelopmentQuery(jurisdictions=["kz"]), DevelopmentQuery(instruments=["criminal-code"]),
                  DevelopmentQuery(since="2026-01-01"), DevelopmentQuery(track_ids=[devs[0].track_id]),
                  DevelopmentQuery(ids=[devs[-1].id]), DevelopmentQuery(jurisdictions=["AZ"], since="2026-05-01")):
        expected = sorted((d.id for d in devs if query.matches(d)))
        assert sorted(d.id for d in store.list_developments(query, members=False)) == expected, query
        assert expected


def test_replace_removes_and_overwrites_and_clear_empties(store):
    devs = _developments()
    store.replace_developments([], devs)
    first, second = devs[0], devs[1]
    first.title = "changed"
    store.replace_developments([first.id, second.id], [first])
    ids = {d.id for d in store.list_developments(members=False)}
    assert first.id in ids and second.id not in ids and len(ids) == len(devs) - 1
    assert store.list_developments(DevelopmentQuery(ids=[first.id]))[0].title == "changed"
    assert store.developments_touching(second.article_ids, []) == []     # its keys went with it
    store.clear_developments()
    assert store.list_developments() == [] and store.developments_touching(first.article_ids, []) == []


def test_deleted_articles_leave_their_developments(store):
    articles = list(replica_articles())
    store.upsert(articles)
    attach(store, articles)
    dev = next(d for d in store.list_developments() if len(d.article_ids) == 3)
    gone = dev.article_ids[:1]
    assert store.delete(gone) == 1
    detach(store, gone)
    placed = {i for d in store.list_developments() for i in d.article_ids}
    assert gone[0] not in placed and set(dev.article_ids[1:]) <= placed
