"""End to end through the real Scrapy engine (a child process per crawl): all three outlets'
replicas crawled into a SQLite store, then crawled again after a second publishing day, then
rebuilt from the WARCs. Expected sets come from the replicas' manifests."""
from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest

from lexwatch.crawler.publishers import PUBLISHERS
from lexwatch.crawler.replicas import start_replicas
from lexwatch.crawler.reprocess import reprocess
from lexwatch.crawler.run import REPLICA_SETTINGS, crawl
from lexwatch.crawler.warc import read_responses
from lexwatch.index.factory import open_store
from lexwatch.urls import canonical_url

# Tests crawl at full speed; the polite defaults stay in crawler/settings.py.
FAST = {**REPLICA_SETTINGS, "LEXWATCH_RETRY_AFTER_MAX": 10}


@pytest.fixture(scope="module")
def replicas():
    with start_replicas() as handle:
        yield handle


def _stored(store_url: str) -> dict:
    with open_store(store_url) as store:
        return {a.canonical_url: a for a in store.iterate()}


@pytest.fixture(scope="module")
def day1(replicas, tmp_path_factory):
    work = tmp_path_factory.mktemp("crawl")
    store_url = f"sqlite:///{work}/lexwatch.db"
    stats = crawl(None, store_url=store_url, base_urls=replicas.base_urls, warc_dir=str(work / "warc"), settings=FAST)
    return SimpleNamespace(work=work, store_url=store_url, stats=stats, hits=replicas.hits(),
                           articles=_stored(store_url), expected=replicas.expected_articles(day=1))


@pytest.fixture(scope="module")
def day2(replicas, day1):
    replicas.publish_day(2)
    replicas.reset()
    stats = crawl(None, store_url=day1.store_url, base_urls=replicas.base_urls, warc_dir=str(day1.work / "warc"),
                  settings=FAST)
    return SimpleNamespace(stats=stats, hits=replicas.hits(), articles=_stored(day1.store_url),
                           expected=replicas.expected_articles(day=2))


def article_hits(replicas, hits, status=200):
    paths = {(e["site"], e["path"]) for e in replicas.manifest()}
    return [h for h in hits if (h.site, h.path) in paths and h.status == status]


def test_every_expected_article_is_stored_once(day1):
    expected = {canonical_url(e["url"]) for e in day1.expected}
    assert set(day1.articles) == expected
    assert day1.stats["totals"]["articles_stored"] == len(expected) == 108 + 15   # + trend (9) and gazeta (6), added by data alone
    assert day1.stats["errors"] == 0


def test_each_article_page_is_fetched_once_though_found_by_several_sources(replicas, day1):
    counts = Counter((h.site, h.path) for h in article_hits(replicas, day1.hits))
    assert set(counts.values()) == {1}
    assert len(counts) == len(day1.expected)


def test_dates_languages_and_outlets_are_right(day1):
    for entry in day1.expected:
        article = day1.articles[canonical_url(entry["url"])]
        assert article.published_at == entry["published"], entry["url"]
        assert (article.outlet, article.edition, article.language) == (entry["outlet"], entry["lang"], entry["lang"]), entry["url"]


def test_language_versions_are_linked_through_translations(replicas, day1):
    by_story = {}
    for entry in day1.expected:
        by_story.setdefault((entry["outlet"], entry["key"]), {})[entry["lang"]] = canonical_url(entry["url"])
    linked = 0
    for entry in day1.expected:
        versions = by_story[(entry["outlet"], entry["key"])]
        article = day1.articles[canonical_url(entry["url"])]
        others = {lang: canonical_url(url) for lang, url in article.translations.items() if lang != entry["lang"]}
        assert others == {lang: url for lang, url in versions.items() if lang != entry["lang"]}, entry["url"]
        linked += bool(others)
    assert linked > 80


def test_robots_txt_is_obeyed(day1):
    assert not [h for h in day1.hits if "/sponsored/" in h.path]
    assert {h.site for h in day1.hits if h.path == "/robots.txt"} == {s.key for o in PUBLISHERS.values() for s in o.sites}
    assert day1.stats["outlets"]["report"]["robots_forbidden"] == 1


def test_offsite_links_are_not_followed(day1):
    partner = "/en/2025-11-18/ai-law-signed-what-changes-for-business/"
    assert [h.site for h in day1.hits if h.path == partner] == ["kursiv"]   # by the kursiv spider alone
    assert day1.stats["outlets"]["report"]["offsite_dropped"] >= 1


def test_retry_after_is_honoured(day1):
    path = "/en/2025-10-10/national-bank-keeps-base-rate/"
    attempts = [h for h in day1.hits if h.site == "kursiv" and h.path == path]
    assert [h.status for h in attempts] == [503, 200]
    assert attempts[1].at - attempts[0].at >= 1.0          # Retry-After: 1
    assert any(url.endswith("national-bank-keeps-base-rate") for url in day1.articles)


def test_redirects_and_tracking_links_end_as_one_record(replicas, day1):
    moved = [h for h in day1.hits if h.path.endswith("_a3412345")]
    assert [h.status for h in moved] == [301]
    assert sum(url.endswith("minyust-utverdil-novye-pravila-registracii-nedvizhimosti-5aee7f") for url in day1.articles) == 1
    assert not [h for h in day1.hits if "utm_" in h.path]
    tracked = [e for e in replicas.manifest("kazinform") if e["flags"].get("tracking")]
    assert tracked and all(canonical_url(e["url"]) in day1.articles for e in tracked)


def test_an_amp_link_is_its_story_fetched_once(replicas, day1):
    amp = [e for e in replicas.manifest("kursiv") if e["flags"].get("amp")]
    assert amp and all(canonical_url(e["url"]) in day1.articles for e in amp)
    assert not [h for h in day1.hits if h.path.endswith("/amp")]   # the registry maps it to the story first


def test_awkward_pages_are_read(day1):
    for flag in ("cp1251", "broken"):
        [entry] = [e for e in day1.expected if e["flags"].get(flag)]
        assert day1.articles[canonical_url(entry["url"])].title == entry["title"], flag


def test_a_dead_link_is_asked_once_and_not_stored(replicas, day1):
    [entry] = [e for e in replicas.manifest("report") if e["flags"].get("missing_link")]
    assert [h.status for h in day1.hits if h.path == entry["path"]] == [404]
    assert canonical_url(entry["url"]) not in day1.articles


def test_every_fetched_article_is_in_the_warc(replicas, day1):
    captured = Counter(r.url for r in read_responses(day1.work / "warc"))
    fetched = Counter(replicas.base_urls[h.site] + h.path for h in article_hits(replicas, day1.hits))
    assert captured == fetched


def test_the_user_agent_names_the_crawler_and_a_contact(day1):
    agents = {h.user_agent for h in day1.hits}
    assert len(agents) == 1 and "lexwatch" in agents.pop()


# -- the second publishing day --------------------------------------------------------------
def test_second_day_fetches_only_new_and_updated_articles(replicas, day1, day2):
    assert not [h for h in day2.hits if h.status == 301]   # the moved article's old address is settled
    new = {(e["site"], e["path"]) for e in day2.expected if e["day"] == 2}
    updated = {(e["site"], e["path"]) for e in day2.expected if e["updated_on_day"] == 2}
    fetched = [(h.site, h.path) for h in article_hits(replicas, day2.hits)]
    assert sorted(fetched) == sorted(new | updated)
    assert day2.stats["totals"]["articles_stored"] == len(new) == 14
    assert day2.stats["totals"]["articles_updated"] == len(updated) == 3
    assert set(day2.articles) == {canonical_url(e["url"]) for e in day2.expected}


def test_updated_article_carries_the_update(day2):
    [entry] = [e for e in day2.expected if e["updated_on_day"] == 2 and e["lang"] == "en"]
    article = day2.articles[canonical_url(entry["url"])]
    assert "Cabinet of Ministers approved the rules" in article.body


def test_second_day_reads_only_the_sitemap_children_that_changed(day2):
    requested = {(h.site, h.path) for h in day2.hits}
    # the index announces each child's lastmod: an unchanged child is not asked for, not even conditionally
    assert ("report", "/sitemap/en/2025-02.xml") not in requested
    assert ("report", "/sitemap/en/2026-11.xml") in requested   # new stories
    assert ("report", "/sitemap/en/2026-05.xml") in requested   # an updated story
    assert ("report", "/sitemap/news.xml") not in requested     # its entries are in the changed monthly children
    assert day2.stats["outlets"]["report"]["skipped"]["sitemap-unchanged"] > 20


def test_second_day_costs_the_new_articles_and_a_handful(day2):
    mapped = {s.key for o in PUBLISHERS.values() for s in o.sites
              if s.sitemaps or any(e.sitemaps for e in s.editions)}
    hits = [h for h in day2.hits if h.site in mapped]
    # editions whose sitemaps were read on day 1 are re-crawled from their sitemaps alone
    assert not [h for h in hits if h.path.endswith(("/rss/", "/feed/")) or "lent" in h.path
                or "/category/" in h.path or "news-feed" in h.path]
    fetched = day2.stats["totals"]["articles_stored"] + day2.stats["totals"]["articles_updated"]
    overhead = len(hits) - fetched
    assert overhead <= 25, sorted((h.site, h.path) for h in hits)   # robots.txt, indexes, changed children
    # outlets without sitemaps (trend, gazeta) ask their unchanged feeds conditionally: 304, no body
    feeds = [h for h in day2.hits if h.site not in mapped and h.path.endswith((".rss", "/rss/"))]
    assert feeds and all(h.conditional and h.status == 304 for h in feeds)
    # robots.txt, each feed, each first listing page (it holds only known articles): nothing else
    bound = sum(1 + sum(len(e.feeds) + len(e.listings) for e in s.editions)
                for o in PUBLISHERS.values() for s in o.sites if s.key not in mapped)
    assert len([h for h in day2.hits if h.site not in mapped]) <= bound


def test_robots_txt_is_obeyed_on_the_second_day_too(day2):
    assert not [h for h in day2.hits if "/sponsored/" in h.path]
    # the forbidden story's sitemap did not change: day 2 does not even rediscover it
    assert day2.stats["outlets"]["report"]["robots_forbidden"] == 0


def test_listing_pagination_stops_at_the_first_page_of_known_articles(tmp_path):
    """Listings alone (an edition without sitemaps): day 2 pages on only while a page holds news."""
    with start_replicas(outlets=["report", "kazinform"]) as replicas:
        store_url = f"sqlite:///{tmp_path}/listings.db"
        crawl(["report", "kazinform"], store_url=store_url, base_urls=replicas.base_urls, sources=["listings"],
              settings=FAST)
        replicas.publish_day(2)
        replicas.reset()
        stats = crawl(["report", "kazinform"], store_url=store_url, base_urls=replicas.base_urls,
                      sources=["listings"], settings=FAST)
        requested = {(h.site, h.path) for h in replicas.hits()}
    assert ("report", "/en/news-feed/?page=2") in requested
    assert ("report", "/en/news-feed/?page=3") not in requested
    assert ("kazinform", "/ru/lenta/2") in requested and ("kazinform", "/ru/lenta/3") not in requested
    assert stats["outlets"]["report"]["pagination_stopped"] >= 2


def test_reprocess_rebuilds_the_records_from_the_warcs(day1, day2, tmp_path):
    store_url = f"sqlite:///{tmp_path}/rebuilt.db"
    stats = reprocess(day1.work / "warc", store_url)
    rebuilt = _stored(store_url)
    assert stats["created"] == len(rebuilt) == len(day2.articles)
    assert {u: a.content_hash for u, a in rebuilt.items()} == {u: a.content_hash for u, a in day2.articles.items()}
    assert stats["damaged_files"] == []


def test_the_crawl_groups_developments_as_a_rebuild_does(day1, day2):
    """The store pipeline's GROUP step (lexwatch.developments): the Azerbaijani amendments are one
    track with committee, reading, adopted and signed steps, and two days of incremental crawling
    leave the developments a rebuild from the stored articles computes."""
    from lexwatch.developments.step import rebuild
    from lexwatch.developments.tracks import find_tracks
    with open_store(day1.store_url) as store:
        crawled = sorted((d.id, tuple(sorted(d.article_ids))) for d in store.list_developments(members=False))
        [az] = find_tracks(store, countries=["AZ"], instruments=["criminal-code"])
        steps = [d.stage for d in az.developments if d.stage not in ("guidance", "enforcement")]
        assert steps == ["committee", "reading", "adopted", "signed"]
        assert find_tracks(store, countries=["KZ"], instruments=["law-on-artificial-intelligence"])
        relevant, _ = rebuild(store)
        assert len(crawled) * 2 < relevant
        assert sorted((d.id, tuple(sorted(d.article_ids))) for d in store.list_developments(members=False)) == crawled
