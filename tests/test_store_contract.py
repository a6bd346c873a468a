"""The Store contract: every test runs against the embedded SQLite store, against a real
Elasticsearch, and against that Elasticsearch behind a TLS proxy demanding an API key (the `store`
fixture is parametrized), so they all answer alike."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest

from lexwatch.index.store import Filters, QueryError
from lexwatch.index.timebuckets import bucket_start
from lexwatch.article import Article, validate
from tests.conftest import open_test_store


@pytest.fixture(params=["sqlite", pytest.param("es", marks=pytest.mark.es),
                        pytest.param("secured-es", marks=pytest.mark.es)])
def store(request):
    """Each Store implementation, and Elasticsearch once more through TLS and an API key (an nginx
    proxy the tests start, tests/conftest_tls.py): the contract holds on a secured deployment too."""
    return open_test_store(request, request.param)


def ids(result) -> set[str]:
    return {h.article.id for h in result.hits}


def by_url(articles, fragment) -> Article:
    return next(a for a in articles if fragment in a.url)


def test_empty_store_answers_empty(store):
    assert store.count() == 0
    assert store.search("дипфейк").total == 0
    assert store.search("").hits == []
    assert store.timeline("", interval="month", split="jurisdiction").buckets == []
    assert list(store.iterate()) == []
    assert store.get("0" * 24) is None
    assert not store.seen("https://report.az/en/x")


def test_upsert_is_idempotent_and_newer_content_replaces(store, articles):
    first = store.upsert(articles)
    assert (first.created, first.updated, first.unchanged, first.errors) == (len(articles), 0, 0, [])
    again = store.upsert(articles)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(articles))
    assert store.count() == len(articles)

    edited = articles[3]
    newer = Article.from_dict(dict(edited.to_dict(), body=edited.body + " Обновлено: штрафы утверждены.",
                                   content_hash=""))
    assert newer.id == edited.id and newer.content_hash != edited.content_hash
    report = store.upsert([newer])
    assert (report.created, report.updated) == (0, 1)
    assert store.get(edited.id).body.endswith("штрафы утверждены.")
    assert store.count() == len(articles)
    assert store.search("утверждены").total == 1


def test_replace_rewrites_tags_of_unchanged_text(store, articles):
    store.upsert(articles)
    retagged = Article.from_dict(articles[6].to_dict())
    retagged.deepfake["stage"] = "guidance"
    assert store.upsert([retagged]).unchanged == 1
    assert store.upsert([retagged], replace=True).updated == 1
    assert store.get(retagged.id).deepfake["stage"] == "guidance"
    assert store.count("", Filters(stages=["guidance"])) == 2


def test_get_round_trips_unicode_and_validates(store, articles):
    store.upsert(articles)
    for original in articles:
        stored = store.get(original.id)
        assert stored == original
        validate(stored.to_dict())
    az = by_url(articles, "suni-intellekt")
    assert "ə" in store.get(az.id).title and "Ş" in store.get(az.id).title


def test_seen_uses_the_canonical_url(store, articles):
    store.upsert(articles)
    url = by_url(articles, "azerbaijan-may-criminalize").url
    assert store.seen(url)
    assert store.seen(url + "/?utm_source=telegram#comments")
    assert not store.seen(url + "-part-two")
    kursiv = by_url(articles, "kursiv")
    assert store.stored_hashes([kursiv.url, "https://kz.kursiv.media/nope/"]) == {
        kursiv.canonical_url: kursiv.content_hash}


@pytest.mark.parametrize("query,expected", [
    ("дипфейков", {"poddelka-golosa", "mvd-raz", "vvedut-shtrafy"}),          # Russian inflection
    ("штрафы", {"poddelka-golosa", "vvedut-shtrafy", "kriptovalyuty"}),
    ("cərimə", {"suni-intellekt"}),                                          # Azerbaijani suffixes
    ("Penalty", {"azerbaijan-may-criminalize", "discuss-ai-rules"}),         # English stemming, case
    ('"Уголовный кодекс"', {"poddelka-golosa", "mvd-raz", "vvedut-shtrafy"}),
    ('"кодекс уголовный"', set()),                                           # phrases keep order
    ("дипфейк OR deepfake", {"poddelka-golosa", "mvd-raz", "vvedut-shtrafy",
                             "azerbaijan-may-criminalize", "discuss-ai-rules", "eu-ai-act"}),
    ("штраф -МРП", {"poddelka-golosa"}),
    ('-"Уголовный кодекс" -manat -deepfake -дипфейк', {"sud-vynes", "kriptovalyuty"}),  # "manats" too
    ("şəxsin razılığı", {"suni-intellekt"}),
    ("nosuchfield:дипфейк", set()),          # no field syntax: the words are a phrase "nosuchfield дипфейк"
    ('AND OR NOT ( ) * ^ "unbalanced', set()),  # engine syntax is inert
])
def test_search_morphology_and_syntax(store, articles, query, expected):
    store.upsert(articles)
    result = store.search(query, size=50)
    found = {next(f for f in URL_FRAGMENTS if f in h.article.url) for h in result.hits}
    assert found == expected
    assert result.total == len(expected)


URL_FRAGMENTS = ["suni-intellekt", "poddelka-golosa", "azerbaijan-may-criminalize", "mvd-raz", "vvedut-shtrafy",
            "discuss-ai-rules", "new-ai-chatbot", "sud-vynes", "kriptovalyuty", "manat-mezennesi", "eu-ai-act"]


def test_snippets_mark_the_matched_forms(store, articles):
    store.upsert(articles)
    hit = store.search("дипфейк", Filters(outlets=["kazinform"])).hits[0]
    assert "<mark>дипфейки</mark>" in hit.snippet
    hostile = replace(articles[6], body="<script>alert(1)</script> chatbot", content_hash="")
    store.upsert([Article.from_dict(hostile.to_dict())])
    snippet = store.search("chatbot").hits[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


FILTER_CASES = [
    (Filters(languages=["az"]), lambda a: a.language == "az"),
    (Filters(outlets=["kursiv", "KAZINFORM"]), lambda a: a.outlet in ("kursiv", "kazinform")),
    (Filters(jurisdictions=["az"]), lambda a: "AZ" in a.deepfake["jurisdictions"]),
    (Filters(jurisdictions=["KZ", "EU"]), lambda a: {"KZ", "EU"} & set(a.deepfake["jurisdictions"])),
    (Filters(stages=["committee", "guidance"]), lambda a: a.deepfake["stage"] in ("committee", "guidance")),
    (Filters(relevant=True), lambda a: a.deepfake["relevant"]),
    (Filters(relevant=False), lambda a: not a.deepfake["relevant"]),
    # Day bounds compare the local publication day: 23:30 Baku on 31 January is January.
    (Filters(date_from="2026-02-01", date_to="2026-02-28"), lambda a: "2026-02-01" <= a.published_at[:10] <= "2026-02-28"),
    (Filters(date_to="2026-01-31"), lambda a: a.published_at[:10] <= "2026-01-31"),
    (Filters(date_from="2026-03-01"), lambda a: a.published_at[:10] >= "2026-03-01"),
    # Instant bounds compare instants: 2026-03-01T00:30+04:00 is 2026-02-28T20:30Z.
    (Filters(date_to="2026-02-28T21:00:00+00:00"), lambda a: a.published_at < "2026-03-01T00:31"
     and a.published_at[:10] != "2026-03-12" and not a.published_at.startswith("2026-08")),
    (Filters(languages=["ru"], relevant=True, jurisdictions=["KZ"]),
     lambda a: a.language == "ru" and a.deepfake["relevant"] and "KZ" in a.deepfake["jurisdictions"]),
]


@pytest.mark.parametrize("filters,predicate", FILTER_CASES)
def test_each_filter_matches_brute_force(store, articles, filters, predicate):
    store.upsert(articles)
    expected = {a.id for a in articles if predicate(a)}
    assert expected, "a filter case must select something"
    result = store.search("", filters, size=100)
    assert ids(result) == expected
    assert result.total == store.count("", filters) == len(expected)


def test_filters_combine_with_text(store, articles):
    store.upsert(articles)
    result = store.search("штраф", Filters(outlets=["kursiv"]))
    assert {h.article.url for h in result.hits} == {a.url for a in articles
                                                   if a.outlet == "kursiv"}


def test_unknown_filter_field_is_a_clear_error():
    with pytest.raises(QueryError, match="colour"):
        Filters.from_dict({"colour": "red", "languages": ["ru"]})
    with pytest.raises(QueryError, match="offset"):
        Filters(date_from="2026-01-01T10:00:00")
    with pytest.raises(QueryError, match="not YYYY-MM-DD"):
        Filters(date_to="yesterday")


def test_bad_search_arguments_are_refused(store):
    with pytest.raises(QueryError):
        store.search("", sort="random")
    with pytest.raises(QueryError):
        store.search("", page=10_000, size=100)
    with pytest.raises(QueryError):
        store.timeline("", interval="fortnight")
    with pytest.raises(QueryError):
        store.timeline("", split="colour")


def test_date_sort_and_stable_pagination(store, articles):
    store.upsert(articles)
    seen_ids, pages = [], 0
    while True:
        pages += 1
        result = store.search("", size=3, page=pages)
        if not result.hits:
            break
        seen_ids.extend(h.article.id for h in result.hits)
    assert len(seen_ids) == len(set(seen_ids)) == len(articles)
    instants = [store.get(i).published_at for i in seen_ids]
    from datetime import datetime
    moments = [datetime.fromisoformat(x) for x in instants]
    assert moments == sorted(moments, reverse=True)


def test_relevance_sort_returns_the_same_set(store, articles):
    store.upsert(articles)
    assert ids(store.search("дипфейк", sort="relevance", size=50)) == ids(store.search("дипфейк", size=50))


def _brute_timeline(articles, interval, split, predicate=lambda a: True):
    totals, counts = Counter(), Counter()
    for a in articles:
        if not predicate(a) or not a.published_at:
            continue
        start = bucket_start(date.fromisoformat(a.published_at[:10]), interval).isoformat()
        totals[start] += 1
        keys = {"jurisdiction": a.deepfake["jurisdictions"], "stage": [a.deepfake["stage"] or "none"],
                "outlet": [a.outlet], "language": [a.language]}.get(split, [])
        for key in keys:
            counts[(start, key)] += 1
    return totals, counts


@pytest.mark.parametrize("interval", ["day", "week", "month", "year"])
@pytest.mark.parametrize("split", [None, "jurisdiction", "stage", "outlet", "language"])
def test_timeline_equals_brute_force_count(store, articles, interval, split):
    store.upsert(articles)
    timeline = store.timeline("", interval=interval, split=split)
    totals, counts = _brute_timeline(articles, interval, split)
    got_totals = {b["start"]: b["total"] for b in timeline.buckets if b["total"]}
    assert got_totals == dict(totals)
    got_counts = {(b["start"], k): n for b in timeline.buckets for k, n in b["counts"].items() if n}
    assert got_counts == dict(counts)
    starts = [b["start"] for b in timeline.buckets]
    assert starts == sorted(starts) and len(starts) == len(set(starts))


def test_timeline_puts_local_late_evening_in_its_own_month(store, articles):
    store.upsert(articles)
    months = {b["start"]: b["total"] for b in store.timeline("", Filters(jurisdictions=["AZ"])).buckets}
    # 2026-01-31T23:30+04:00 (19:30Z) -> January; 2026-03-01T00:30+04:00 (28 Feb 20:30Z) -> March.
    assert months["2026-01-01"] == 2 and months["2026-02-01"] == 0 and months["2026-03-01"] == 2


def test_timeline_has_empty_buckets_between(store, articles):
    store.upsert(articles)
    timeline = store.timeline("", interval="month")
    starts = [date.fromisoformat(b["start"]) for b in timeline.buckets]
    assert starts[0] == date(2025, 7, 1) and starts[-1] == date(2026, 8, 1)
    assert len(starts) == 14
    assert sum(b["total"] for b in timeline.buckets) == len(articles)


def test_timeline_with_query_and_filters(store, articles):
    store.upsert(articles)
    predicate = lambda a: a.deepfake["relevant"] and a.language == "ru"
    timeline = store.timeline("дипфейк", Filters(relevant=True, languages=["ru"]), interval="week", split="stage")
    matching = [a for a in articles if predicate(a) and "дипфейк" in a.body.lower()]
    totals, _ = _brute_timeline(matching, "week", "stage")
    assert {b["start"]: b["total"] for b in timeline.buckets if b["total"]} == dict(totals)


def test_iterate_streams_everything_oldest_first(store, articles):
    store.upsert(articles)
    streamed = list(store.iterate(batch_size=4))
    assert [a.id for a in streamed] == [a.id for a in sorted(
        articles, key=lambda a: __import__("datetime").datetime.fromisoformat(a.published_at))]
    assert {a.id for a in store.iterate("штраф", Filters(outlets=["kursiv"]), batch_size=1)} == {
        a.id for a in articles if a.outlet == "kursiv"}


def test_iterate_puts_undated_articles_first_and_breaks_ties_by_id_across_pages(store, articles):
    from datetime import datetime
    extra = [Article.from_dict(dict(articles[i % len(articles)].to_dict(), url=f"https://report.az/x/{kind}-{i}",
                                    canonical_url="", id="", published_at=moment))
             for i, (kind, moment) in enumerate([("undated", None)] * 3 + [("tie", "2026-01-20T10:00:00+04:00")] * 3)]
    store.upsert(articles + extra)
    undated = sorted(a.id for a in extra[:3])
    dated = sorted(articles + extra[3:], key=lambda a: (datetime.fromisoformat(a.published_at).timestamp(), a.id))
    assert [a.id for a in store.iterate(batch_size=2)] == undated + [a.id for a in dated]


def test_fetched_from_filter(store, articles):
    late = Article.from_dict(dict(articles[0].to_dict(), url="https://report.az/x/new", canonical_url="", id="",
                                  fetched_at="2026-03-11T09:00:00+04:00"))
    store.upsert(articles + [late])
    assert {h.article.id for h in store.search("", Filters(fetched_from="2026-03-11T04:30:00+00:00")).hits} == {late.id}


def test_delete(store, articles):
    store.upsert(articles)
    assert store.delete([articles[0].id, "f" * 24]) == 1
    assert store.get(articles[0].id) is None
    assert store.count() == len(articles) - 1
    assert store.search("cərimə").total == 0
    january = store.timeline("", Filters(jurisdictions=["AZ"])).buckets[0]
    assert january == {"start": "2026-01-01", "total": 1, "counts": {}}


def test_overlong_latin_phrase_is_refused_not_cut(store, articles):
    store.upsert(articles)
    assert store.search('"the milli majlis is considering"').total == 1
    with pytest.raises(QueryError, match="too long"):
        store.search('"media agenda camera formula quota villa criteria"')  # 2**7 alternatives


def test_broad_matches_page_newest_first_like_brute_force(store):
    """Over a thousand matches: the embedded store reads the page off its date index."""
    from lexwatch.bench.synthetic import synthetic_articles
    from datetime import datetime
    many = list(synthetic_articles(1500, seed=5))
    store.upsert(many)
    newest = sorted((a for a in many if a.language == "ru"),
                    key=lambda a: (-datetime.fromisoformat(a.published_at).timestamp(), a.id))
    result = store.search("закон", Filters(languages=["ru"]), page=2, size=25)
    matching = [a for a in newest if "закон" in a.body.lower().split() or "закон" in a.title.lower().split()]
    assert result.total == len(matching)
    assert [h.article.id for h in result.hits] == [a.id for a in matching[25:50]]
    everything = store.search("и OR the OR və", size=25, page=3)   # everyday words: nearly every article
    words = {"и", "the", "və"}
    all_matching = sorted((a for a in many if words & set((a.title + " " + a.body).lower().split())),
                          key=lambda a: (-datetime.fromisoformat(a.published_at).timestamp(), a.id))
    assert everything.total == len(all_matching) >= 1000
    assert [h.article.id for h in everything.hits] == [a.id for a in all_matching[50:75]]
    # Day bounds are the articles' own calendar days (the walk also seeks on a looser UTC window):
    # the last day's late evening is in, the next day's first hour (same UTC date) is out, and the
    # first day's first hour (the previous UTC date) is in.
    edges = [Article(url=f"https://kz.kursiv.media/ru/edge-{i}", outlet="kursiv", edition="ru", language="ru",
                     title="Граница", body="и граница суток", published_at=moment)
             for i, moment in enumerate(("2025-06-30T23:30:00+05:00", "2025-07-01T00:30:00+05:00",
                                         "2021-04-01T00:30:00+05:00"))]
    store.upsert(edges)
    all_matching = sorted(all_matching + edges,
                          key=lambda a: (-datetime.fromisoformat(a.published_at).timestamp(), a.id))
    within = [a for a in all_matching if "2021-04-01" <= a.published_at[:10] <= "2025-06-30"]
    assert edges[0] in within[:30] and edges[1] not in within and edges[2] in within
    for page in (1, 2):
        bounded = store.search("и OR the OR və", Filters(date_from="2021-04-01", date_to="2025-06-30"), size=30,
                               page=page)
        assert bounded.total == len(within) >= 1000
        assert [h.article.id for h in bounded.hits] == [a.id for a in within[30 * (page - 1):30 * page]]
