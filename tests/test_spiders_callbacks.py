"""Spider callbacks on responses built from bytes: the replica files, which name the real origins."""
from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, XmlResponse

from lexwatch.crawler.items import FetchedPage
from lexwatch.crawler.spiders.outlets import KazinformSpider
from lexwatch.crawler.spiders.outlets import KursivSpider
from lexwatch.crawler.spiders.outlets import ReportSpider

REPLICAS = Path(__file__).parent / "replicas"


def replica(outlet: str, url_path: str, site: str | None = None, day: int = 1) -> bytes:
    routes = json.loads((REPLICAS / outlet / "routes.json").read_text())
    route = routes[site or outlet][str(day)][url_path]
    return (REPLICAS / outlet / "files" / route["file"]).read_bytes()


def html(url: str, body: bytes, meta: dict | None = None) -> HtmlResponse:
    return HtmlResponse(url=url, body=body, request=Request(url, meta=meta or {}))


def manifest(outlet: str) -> list[dict]:
    return json.loads((REPLICAS / outlet / "manifest.json").read_text())


def local(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def test_report_listing_yields_articles_with_dates_and_the_next_page():
    spider = ReportSpider(lang="en")
    url = "https://report.az/en/news-feed/"
    out = list(spider.parse_listing(html(url, replica("report", "/en/news-feed/"),
                                         {"lw_kind": "listing", "lw_chain": url, "lw_page_no": 1})))
    articles = [r for r in out if r.meta["lw_kind"] == "article"]
    pages = [r for r in out if r.meta["lw_kind"] == "listing"]
    first_page = sorted((e for e in manifest("report") if e["lang"] == "en" and e["day"] == 1
                         and not e["flags"].get("robots")), key=lambda e: e["published"], reverse=True)[:6]
    by_url = {r.url: r for r in articles}
    for entry in first_page:
        request = by_url[entry["real_url"]]
        published = datetime.fromisoformat(request.meta["lw_published"])
        assert published == local(entry["published"]), entry["real_url"]
        assert request.meta["lw_edition"] == "en"
    # the sponsored item (robots) and the partner item on another outlet are yielded too:
    # robots.txt and the frontier, not the callback, keep them out
    assert any("/en/sponsored/" in u for u in by_url)
    [partner] = [r for r in articles if r.url.startswith("https://kz.kursiv.media/")]
    assert partner.meta["lw_site"] == ""
    assert [p.url for p in pages] == ["https://report.az/en/news-feed/?page=2"]
    assert pages[0].meta["lw_chain"] == url and pages[0].meta["lw_next"] is True


def test_azerbaijani_datelines_and_the_last_page_without_next():
    spider = ReportSpider(lang="az")
    routes = json.loads((REPLICAS / "report" / "routes.json").read_text())["report"]["1"]
    paths = sorted((p for p in routes if p.startswith("/xeber-lenti/")), key=len)
    requests = []
    for number, path in enumerate(paths, start=1):
        url = "https://report.az" + path
        out = list(spider.parse_listing(html(url, replica("report", path),
                                             {"lw_kind": "listing", "lw_chain": "c", "lw_page_no": number})))
        nexts = [r for r in out if r.meta["lw_kind"] == "listing"]
        assert len(nexts) == (0 if number == len(paths) else 1)
        requests += [r for r in out if r.meta["lw_kind"] == "article"]
    [dec31] = [r for r in requests if "dtx-bayram" in r.url]
    # '31 dekabr, 2025' and '23:30' in separate spans, Baku time +04:00
    assert datetime.fromisoformat(dec31.meta["lw_published"]) == datetime(2025, 12, 31, 19, 30, tzinfo=timezone.utc)
    expected = {e["real_url"] for e in manifest("report") if e["lang"] == "az" and e["day"] == 1}
    assert {r.url for r in requests} == expected


def test_kazinform_lenta_strips_tracking_parameters_and_keeps_the_old_redirecting_url():
    spider = KazinformSpider(lang="ru")
    routes = json.loads((REPLICAS / "kazinform" / "routes.json").read_text())["kazinform"]["1"]
    urls = []
    for path in sorted(p for p in routes if p.startswith("/ru/lenta")):
        url = "https://www.inform.kz" + path
        out = spider.parse_listing(html(url, replica("kazinform", path),
                                        {"lw_kind": "listing", "lw_chain": "c", "lw_page_no": 1}))
        urls += [r.url for r in out if r.meta["lw_kind"] == "article"]
    assert not [u for u in urls if "utm_" in u]
    # shared with utm tags, and one of the Russian stories at /ru/{slug} without an id
    assert "https://www.inform.kz/ru/v-kazahstane-zapustili-superkompyuter-dlya-razvitiya-iskusstvennogo-intellekta" in urls
    assert "https://www.inform.kz/ru/minyust-utverdil-novye-pravila-registracii-nedvizhimosti_a3412345" in urls
    expected = {e["real_url"] for e in manifest("kazinform") if e["lang"] == "ru" and e["day"] == 1
                and not e["flags"].get("old_path")}
    assert expected - set(urls) == set()


def test_feed_items_become_article_requests_with_rfc822_dates():
    spider = KursivSpider(lang="ru")
    url = "https://kz.kursiv.media/feed/"
    response = XmlResponse(url=url, body=replica("kursiv", "/feed/"), request=Request(url, meta={"lw_kind": "feed"}))
    out = list(spider.parse_feed(response))
    ru = sorted((e for e in manifest("kursiv") if e["site"] == "kursiv" and e["lang"] == "ru" and e["day"] == 1),
                key=lambda e: e["published"], reverse=True)[:10]
    assert [r.url for r in out] == [e["real_url"] for e in ru]
    for request, entry in zip(out, ru):
        assert datetime.fromisoformat(request.meta["lw_published"]) == local(entry["published"])


def test_atom_feeds_and_gzipped_sitemaps_are_read():
    spider = ReportSpider(lang="en")
    atom = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
      <entry><title>T</title><link rel="alternate" href="https://report.az/en/ict/ai-story-one"/>
        <link rel="enclosure" href="https://report.az/media/1.jpg"/><published>2026-03-12T14:23:00+04:00</published></entry>
    </feed>"""
    [request] = list(spider.parse_feed(XmlResponse(url="https://report.az/en/atom/", body=atom,
                                                   request=Request("https://report.az/en/atom/"))))
    assert request.url == "https://report.az/en/ict/ai-story-one"
    assert datetime.fromisoformat(request.meta["lw_published"]) == datetime(2026, 3, 12, 10, 23, tzinfo=timezone.utc)
    url = "https://report.az/sitemap/en/2026-03.xml.gz"
    packed = gzip.compress(replica("report", "/sitemap/en/2026-03.xml"))
    out = list(spider.parse_sitemap(Response(url=url, body=packed, request=Request(url))))
    assert out and all(r.url.startswith("https://report.az/en/") for r in out)
    assert spider.sitemap_request(url).meta["download_maxsize"] > 8 * 1024 * 1024


def test_feed_answered_304_yields_nothing():
    spider = KursivSpider()
    url = "https://kz.kursiv.media/feed/"
    response = XmlResponse(url=url, status=304, body=b"", request=Request(url))
    assert list(spider.parse_feed(response)) == []


def test_sitemap_index_skips_children_older_than_the_window_and_urlset_carries_lastmod():
    spider = ReportSpider(since="2026-05-01")
    url = "https://report.az/sitemap.xml"
    index = XmlResponse(url=url, body=replica("report", "/sitemap.xml"), request=Request(url))
    children = [r.url for r in spider.parse_sitemap(index)]
    assert "https://report.az/sitemap/en/2026-05.xml" in children
    assert "https://report.az/sitemap/en/2026-03.xml" not in children
    assert all(r.startswith("https://report.az/sitemap/") for r in children)
    url = "https://report.az/sitemap/en/2026-05.xml"
    urlset = XmlResponse(url=url, body=replica("report", "/sitemap/en/2026-05.xml", day=2), request=Request(url))
    [request] = list(spider.parse_sitemap(urlset))
    assert request.url.endswith("/en/milli-majlis/milli-majlis-adopts-deepfake-law-in-third-reading")
    assert datetime.fromisoformat(request.meta["lw_lastmod"]) == datetime(2026, 11, 25, 6, 0, tzinfo=timezone.utc)


def test_news_sitemap_publication_date_is_read():
    spider = KazinformSpider()
    url = "https://www.inform.kz/sitemaps/google-news_ru.xml"
    response = XmlResponse(url=url, body=replica("kazinform", "/sitemaps/google-news_ru.xml"), request=Request(url))
    out = list(spider.parse_sitemap(response))
    assert out and all(r.meta["lw_published"] and r.meta["lw_edition"] == "ru" for r in out)


def test_kursiv_category_paginates_wordpress_style():
    spider = KursivSpider(lang="en")
    url = "https://kz.kursiv.media/en/category/finance/"
    out = list(spider.parse_listing(html(url, replica("kursiv", "/en/category/finance/"),
                                         {"lw_kind": "listing", "lw_chain": url, "lw_page_no": 1})))
    assert [r.url for r in out if r.meta["lw_kind"] == "listing"] == [
        "https://kz.kursiv.media/en/category/finance/page/2/"]
    dates = [datetime.fromisoformat(r.meta["lw_published"]) for r in out if r.meta["lw_kind"] == "article"]
    assert dates == sorted(dates, reverse=True) and len(dates) == 5


def test_parse_article_hands_over_the_raw_page_with_its_edition():
    spider = KazinformSpider()
    path = next(e["path"] for e in manifest("kazinform") if e["flags"].get("cp1251"))
    url = "https://www.inform.kz" + path
    body = replica("kazinform", path)
    response = Response(url=url, body=body, headers={"Content-Type": "text/html"},
                        request=Request(url, meta={"lw_kind": "article", "lw_lastmod": "2025-10-08T11:30:00+00:00",
                                                   "redirect_urls": ["https://www.inform.kz/ru/x_a1"]}))
    [page] = list(spider.parse_article(response))
    assert isinstance(page, FetchedPage)
    assert page.body == body and page.content_type == "text/html"
    assert (page.outlet, page.site, page.edition) == ("kazinform", "kazinform", "ru")
    assert page.requested_url == "https://www.inform.kz/ru/x_a1"
    assert page.lastmod_hint == "2025-10-08T11:30:00+00:00"
    assert datetime.fromisoformat(page.fetched_at) > datetime.now(timezone.utc) - timedelta(minutes=1)


@pytest.mark.parametrize("spider_cls,url,expected", [
    (ReportSpider, "https://report.az/ru/milli-medzhlis/milli-medzhlis-prinyal-zakon", "ru"),
    (ReportSpider, "https://report.az/milli-meclis/milli-meclis-deepfake-qanununu", "az"),
    (KazinformSpider, "https://kaz.inform.kz/news/toqaev-zhasandy-intellekt-turaly-zanga-qol-qoydy-60c4b2/", "kk"),
    (KazinformSpider, "https://www.inform.kz/kz/toqaev-zhasandy-intellekt-turaly-zanga-qol-qoydy-60c4b2", None),
    (KursivSpider, "https://kz.kursiv.media/kk/2025-07-04/dipfeyk-ushin-ayyppul/", "kk"),
    (KursivSpider, "https://uz.kursiv.media/en/2026-04-22/oliy-majlis-passes-ai-content-labelling-law/", "en"),
    (KursivSpider, "https://uz.kursiv.media/2026-04-22/oliy-mazhlis/", "ru"),
    (ReportSpider, "https://www.inform.kz/en/tokayev-signs-law-4f1c2e", None),
])
def test_edition_of_a_url(spider_cls, url, expected):
    assert spider_cls().edition_of(url) == expected


def test_resolve_maps_aliases_and_drops_tracking_and_fragments():
    spider = KazinformSpider()
    assert spider.resolve("https://www.inform.kz/ru/lenta", "https://inform.kz/ru/x-1a2b3c?utm_source=tg#top") \
        == "https://www.inform.kz/ru/x-1a2b3c"
    assert spider.resolve("https://www.inform.kz/ru/lenta", "/ru/lenta/2") == "https://www.inform.kz/ru/lenta/2"
    assert spider.resolve("https://www.inform.kz/ru/lenta", "javascript:void(0)") is None


def test_replica_base_urls_move_every_site_of_an_outlet():
    spider = KursivSpider()
    spider.configure_sites({"kursiv": "http://127.0.0.1:5001", "kursiv-uz": "http://127.0.0.1:5002"})
    assert spider.site_origins == {"http://127.0.0.1:5001", "http://127.0.0.1:5002"}
    assert spider.resolve("http://127.0.0.1:5001/feed/", "https://uz.kursiv.media/2025-09-16/x/") \
        == "http://127.0.0.1:5002/2025-09-16/x/"
    assert spider.edition_of("http://127.0.0.1:5002/en/2025-09-16/x/") == "en"


def test_unknown_language_or_source_is_refused():
    with pytest.raises(ValueError):
        KazinformSpider(lang="az")
    with pytest.raises(ValueError):
        ReportSpider(sources="sitemaps,telepathy")
    assert KazinformSpider(lang="kz,az").langs == ["kk"]


def test_discovery_requests_cover_every_source_of_the_editions_asked():
    # the Kazakh edition is its own host, without a dated archive
    spider = KazinformSpider(lang="kz", since="2026-01-30", until="2026-01-31")
    urls = [r.url for r in spider.discovery_requests(datetime(2026, 11, 26).date())]
    assert urls == ["https://kaz.inform.kz/sitemap.xml", "https://kaz.inform.kz/rss/", "https://kaz.inform.kz/lenta"]
    spider = KazinformSpider(lang="ru", since="2026-01-30", until="2026-01-31")
    requests = list(spider.discovery_requests(datetime(2026, 11, 26).date()))
    urls = [r.url for r in requests]
    assert urls == ["https://www.inform.kz/sitemap.xml", "https://www.inform.kz/ru/rss/",
                    "https://www.inform.kz/ru/lenta", "https://www.inform.kz/ru/archive?date=31.01.2026",
                    "https://www.inform.kz/ru/archive?date=30.01.2026"]
    assert all(r.dont_filter for r in requests)
    assert [r.meta["lw_settle"] for r in requests if r.meta["lw_kind"] == "archive"] == [True, True]
    wide = KazinformSpider(lang="ru", since="2025-01-01")
    assert not [r for r in wide.discovery_requests(datetime(2026, 11, 26).date()) if r.meta["lw_kind"] == "archive"]


def test_sitemap_index_asks_only_for_children_whose_lastmod_moved(tmp_path):
    from types import SimpleNamespace
    from lexwatch.crawler.state import CrawlState
    spider = ReportSpider()
    spider.context = SimpleNamespace(state=CrawlState(tmp_path / "state.db"))
    index_url = "https://report.az/sitemap.xml"
    meta = {"lw_covers": ["report:az", "report:ru", "report:en"]}

    def index(day):
        response = XmlResponse(index_url, body=replica("report", "/sitemap.xml", day=day),
                               request=Request(index_url, meta=meta))
        return [r for r in spider.parse_sitemap(response)]

    first = index(1)
    assert len(first) > 30 and "https://report.az/sitemap/news.xml" in {r.url for r in first}
    for request in first:   # read each child; FrontierMiddleware records it once its links are in the frontier
        child = XmlResponse(request.url, body=replica("report", request.url.removeprefix("https://report.az")),
                            request=request)
        list(spider.parse_sitemap(child))
        spider.state.remember_sitemap_child(*child.meta["lw_sitemap_read"])
    assert spider.state.sitemap_child("https://report.az/sitemap/news.xml")[1] is True
    assert spider.state.sitemap_child("https://report.az/sitemap/en/2025-02.xml")[1] is False
    assert index(1) == []   # nothing moved
    assert sorted(r.url for r in index(2)) == sorted(
        f"https://report.az/sitemap/{lang}/{month}.xml" for lang in ("az", "ru", "en")
        for month in ("2026-05", "2026-11"))   # an update and the new stories; news.xml repeats them


def test_editions_covered_by_sitemaps_fall_back_to_feeds_and_listings_when_the_index_fails(tmp_path):
    from types import SimpleNamespace
    from lexwatch.crawler.state import CrawlState
    spider = ReportSpider(lang="en")
    spider.context = SimpleNamespace(state=CrawlState(tmp_path / "state.db"))
    spider.state.cover(["report:en"])
    starts = [r.url for r in spider.discovery_requests(datetime(2026, 11, 26).date())]
    assert starts == ["https://report.az/sitemap.xml"]   # covered: no feed, no listing
    fallback = [r.url for r in spider.fallback_requests(["report:en"])]
    assert fallback == ["https://report.az/en/rss/", "https://report.az/en/news-feed/"]
    assert list(spider.fallback_requests(["report:en"])) == []   # once per run
