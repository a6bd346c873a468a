"""Developments and instrument tracks (lexwatch.developments): grouping is order-independent, the
incremental GROUP step equals a rebuild on both stores, and the demo crawl's tracks come out right."""
from __future__ import annotations

import random

import pytest

from lexwatch.developments.grouping import group
from lexwatch.developments.keys import article_ref, member_of
from lexwatch.developments.step import attach, rebuild
from lexwatch.developments.tracks import build_tracks, find_tracks, resolve_instrument
from lexwatch.index.store import QueryError
from tests.developments_data import replica_articles, replica_story


def _shape(developments):
    return sorted((d.id, d.track_id, tuple(sorted(d.article_ids)), d.stage, d.reading) for d in developments)


@pytest.fixture(scope="module")
def articles():
    return list(replica_articles())


@pytest.fixture(scope="module")
def members(articles):
    return [m for m in map(member_of, articles) if m is not None]


def test_grouping_does_not_depend_on_input_order(members):
    expected = _shape(group(members))
    rng = random.Random(19)
    for _ in range(5):
        shuffled = members[:]
        rng.shuffle(shuffled)
        assert _shape(group(shuffled)) == expected


def test_every_relevant_article_is_in_exactly_one_development(articles, members):
    developments = group(members)
    placed = [i for d in developments for i in d.article_ids]
    assert sorted(placed) == sorted(a.id for a in articles if a.deepfake["relevant"])


def test_demo_crawl_tracks(members):
    developments = group(members)
    tracks = build_tracks(developments)
    az = [t for t in tracks if t.jurisdiction == "AZ" and t.instrument == "criminal-code"]
    assert len(az) == 1
    steps = [d.stage for d in az[0].developments]
    # the legislative ladder in order; guidance and enforcement that cite the code may follow
    assert [s for s in steps if s not in ("guidance", "enforcement")] == ["committee", "reading", "adopted", "signed"]
    # every AZ amendment story (all its language versions) is on that one track
    amendment_stories = {"report/ai-forgery-criminal-liability", "report/deepfake-amendments-first-reading"}
    on_track = {replica_story(i) for d in az[0].developments for i in d.article_ids}
    assert amendment_stories <= on_track
    kz_ai = [t for t in tracks if t.jurisdiction == "KZ" and t.instrument == "law-on-artificial-intelligence"]
    assert len(kz_ai) == 1 and kz_ai[0] is not az[0]
    assert {"reading", "signed"} <= {d.stage for d in kz_ai[0].developments}
    # the same signature, reported by Kazinform on the 17th and Kursiv on the 18th, is one development
    signed = [d for d in kz_ai[0].developments if d.stage == "signed"]
    assert len(signed) == 1 and set(signed[0].outlets) == {"kazinform", "kursiv"}
    assert len(developments) * 2 < len(members)   # well below the number of relevant articles


def test_incremental_attach_equals_rebuild_in_any_order(store, articles):
    rng = random.Random(7)
    shuffled = articles[:]
    rng.shuffle(shuffled)
    for start in range(0, len(shuffled), 9):      # batches, as the crawl's store pipeline writes them
        batch = shuffled[start:start + 9]
        store.upsert(batch)
        attach(store, batch)
    incremental = _shape(store.list_developments())
    assert incremental
    relevant, count = rebuild(store)
    assert count == len(incremental) and relevant == sum(a.deepfake["relevant"] for a in articles)
    assert _shape(store.list_developments()) == incremental
    assert incremental == _shape(group([m for m in map(member_of, articles) if m is not None]))


def test_a_retagged_article_leaves_its_development(store, articles):
    store.upsert(articles)
    attach(store, articles)
    dev = next(d for d in store.list_developments() if len(d.article_ids) > 1)
    leaving = next(a for a in articles if a.id == dev.article_ids[0])
    retagged = type(leaving).from_dict(leaving.to_dict())
    retagged.deepfake["relevant"] = False
    store.upsert([retagged], replace=True)
    attach(store, [retagged])
    assert leaving.id not in {i for d in store.list_developments() for i in d.article_ids}
    rebuilt_from = _shape(store.list_developments())
    rebuild(store)
    assert _shape(store.list_developments()) == rebuilt_from


def test_tracker_filters(store, articles):
    store.upsert(articles)
    attach(store, articles)
    assert {t.jurisdiction for t in find_tracks(store, countries=["kz"])} == {"KZ"}
    ai = find_tracks(store, instruments=["Жасанды интеллект туралы заң"])
    assert [t.instrument for t in ai] == ["law-on-artificial-intelligence"]
    assert len(ai[0].developments) >= 3           # --instrument picks tracks, not their history
    assert all(t.current.stage == "signed" for t in find_tracks(store, stages=["signed"]))
    late = find_tracks(store, since="2026-06-01")
    assert late and all(t.last_day >= "2026-06-01" for t in late)
    with pytest.raises(QueryError, match="not in the vocabulary"):
        find_tracks(store, instruments=["Law on Fishing"])


def test_instrument_names_in_every_language_are_one_key():
    key = "law-on-artificial-intelligence"
    for name in ("Law on Artificial Intelligence", "закон об искусственном интеллекте",
                 "Жасанды интеллект туралы заң", "Süni intellekt haqqında qanun", key):
        assert resolve_instrument(name) == key


def test_article_numbers_are_strings_with_their_suffix():
    assert article_ref("163-1") == "163-1" and article_ref(163) == "163" and article_ref(None) is None


def test_es_developments_mapping_equals_the_document_fields(members):
    from lexwatch.index.es_developments import mapping_file, to_document
    dev = group(members)[0]
    assert set(to_document(dev)) == set(mapping_file()["mappings"]["properties"])
