"""The real crawler (Scrapy engine, the Report spider, every middleware and pipeline, in a child
process) against a hostile site: a real HTTP server on 127.0.0.1 whose sitemaps, feed, listing and
article pages are broken, huge, looping, rate-limited or lying. One crawl; one test per hostile item
checks that the item left a clear log line (or was read correctly) and that the crawl went on.
Static inputs come from tests/data/bad/; big ones (50 MB pages, gzip bombs, a 3 MB sitemap,
10,000-deep markup) are generated here."""
from __future__ import annotations

import json
import os
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from lexwatch.crawler.run import REPLICA_SETTINGS, child_env, crawl_command
from lexwatch.index.factory import open_store
from lexwatch.urls import canonical_url

BAD = Path(__file__).parent / "data" / "bad"
MANIFEST = {k: v for k, v in json.loads((BAD / "manifest.json").read_text(encoding="utf-8")).items()
            if not k.startswith("_")}
MB = 1024 * 1024
SITEMAP_MAX = 1 * MB
MAX_PAGES = 6

# article slug -> corpus file served at /en/hostile/<slug> (listed in the good sitemap)
CORPUS_PAGES = {"empty-page": "empty.html", "whitespace-page": "whitespace.html", "pdf-as-html": "pdf-as-html.pdf",
                "image-as-html": "image-as-html.png", "js-shell-page": "js-shell.html",
                "invalid-utf8-page": "invalid-utf8.html", "cp1251-no-charset": "cp1251-no-charset.html",
                "cp1251-wrong-charset": "cp1251-wrong-charset.html"}
# slugs answered with a variant of the good story (the feed with bad dates, redirect and rate-limit targets)
GOOD_VARIANTS = ["good-story", "empty-date-story", "impossible-date-story", "year-zero-story", "far-future-story",
                 "moved-target-story", "rate-limited-story", "dated-retry-story", "warn-size-story",
                 "malformed-sitemap-story"]
GENERATED = ["huge-page", "huge-stream", "gzip-bomb", "deep-nesting", "loop-a", "self-redirect", "moved-away",
             "moved-here", "go-away"]


def good_variant(slug: str, padding: int = 0) -> bytes:
    title = slug.replace("-", " ").capitalize() + ": deepfake bill passes first reading"
    page = (BAD / "good-story.html").read_text(encoding="utf-8")
    page = page.replace("Milli Majlis passes deepfake bill in first reading", title)
    if padding:
        page = page.replace("</footer>", "</footer><!--" + "p" * padding + "-->")
    return page.encode("utf-8")


def gzip_of(prefix: bytes, filler: bytes, size: int) -> bytes:
    """gzip of prefix + filler*… up to `size` bytes, built in chunks (never `size` bytes in memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [packer.compress(prefix)]
    chunk = filler * (MB // len(filler))
    for _ in range(size // len(chunk)):
        out.append(packer.compress(chunk))
    out.append(packer.flush())
    return b"".join(out)


@dataclass
class Hit:
    path: str
    status: int


@dataclass
class HostileSite:
    """What the hostile server answers; `hits` records every request."""
    base: str = ""
    other: str = ""                                   # another origin (for off-site redirects)
    hits: list[Hit] = field(default_factory=list)
    answered_once: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    bomb: bytes = b""
    sitemap_bomb: bytes = b""

    def paths(self, prefix: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path.startswith(prefix)]

    def text(self, name: str) -> bytes:
        return (BAD / name).read_bytes().replace(b"{base}", self.base.encode())

    def sitemap_index(self, children: list[str]) -> bytes:
        items = "".join(f"<sitemap><loc>{self.base}{c}</loc></sitemap>" for c in children)
        return (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{items}</sitemapindex>").encode()

    def urlset(self, paths: list[str], padding: int = 0) -> bytes:
        items = "".join(f"<url><loc>{self.base}{p}</loc></url>" for p in paths)
        pad = f"<!--{'x' * padding}-->" if padding else ""
        return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{items}{pad}</urlset>").encode()

    def listing(self, day: datetime) -> bytes:
        """An endless calendar: each day's page links the day before, for ever."""
        previous = (day - timedelta(days=1)).strftime("%Y-%m-%d")
        return (f'<html><body><div class="news-feed"><div class="news-item">'
                f'<a class="news-item__title" href="/en/hostile/tracked-story?utm_campaign=calendar#top">Tracked</a>'
                f'<span class="news-item__date">{day.day} March, 2026</span></div></div>'
                f'<a class="pagination__next" href="/en/news-feed/?date={previous}">Older</a></body></html>').encode()

    def answer(self, path: str, query: str) -> tuple[int, dict, object]:
        html = {"Content-Type": "text/html; charset=utf-8"}
        xml = {"Content-Type": "application/xml"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        if path == "/sitemap.xml":   # lists itself and an index that lists it back
            return 200, xml, self.sitemap_index(["/sitemap.xml", "/sitemap/cycle.xml", "/sitemap/good.xml",
                                                 "/sitemap/malformed.xml", "/sitemap/garbage.xml", "/sitemap/html.xml",
                                                 "/sitemap/huge.xml", "/sitemap/bomb.xml.gz",
                                                 "/sitemap/transport-bomb.xml"])
        if path == "/sitemap/cycle.xml":
            return 200, xml, self.sitemap_index(["/sitemap.xml", "/sitemap/cycle.xml"])
        if path == "/sitemap/good.xml":
            return 200, xml, self.urlset([f"/en/hostile/{slug}" for slug in [*CORPUS_PAGES, *GENERATED]]
                                         + ["/en/hostile/tracked-story?fbclid=IwAR0hostile", "/en/hostile/warn-size-story",
                                            "/en/hostile/rate-limited-story", "/en/hostile/dated-retry-story"])
        if path == "/sitemap/malformed.xml":
            return 200, xml, self.text("sitemap-malformed.xml")
        if path == "/sitemap/garbage.xml":
            return 200, xml, self.text("sitemap-garbage.xml")
        if path == "/sitemap/html.xml":
            return 200, {"Content-Type": "text/html"}, self.text("sitemap-is-html.xml")
        if path == "/sitemap/huge.xml":   # 3 MB, over the 1 MB sitemap cap of this crawl
            return 200, xml, self.urlset(["/en/huge/entry-one", "/en/huge/entry-two"], padding=3 * MB)
        if path == "/sitemap/bomb.xml.gz":   # a gzip file of 64 MB of XML
            return 200, {"Content-Type": "application/x-gzip"}, self.sitemap_bomb
        if path == "/sitemap/transport-bomb.xml":   # the same, as HTTP Content-Encoding
            return 200, {**xml, "Content-Encoding": "gzip"}, self.sitemap_bomb
        if path == "/en/rss/":
            return 200, {"Content-Type": "application/rss+xml"}, self.text("rss-bad-dates.xml")
        if path == "/en/news-feed/":
            day = datetime.strptime(query.split("date=")[1], "%Y-%m-%d") if "date=" in query else datetime(2026, 3, 12)
            return 200, html, self.listing(day)
        if not path.startswith("/en/hostile/"):
            return 404, html, b"<html><body>not here</body></html>"
        slug = path.removeprefix("/en/hostile/")
        if slug in CORPUS_PAGES:
            name = CORPUS_PAGES[slug]
            return 200, {"Content-Type": MANIFEST[name]["content_type"]}, self.text(name)
        if slug == "tracked-story":
            return 200, html, self.text("tracked-story.html")
        if slug == "huge-page":       # 50 MB, announced by Content-Length
            return 200, html, ("stream", 50 * MB)
        if slug == "huge-stream":     # 50 MB, no Content-Length: the connection's end is the body's end
            return 200, html, ("stream", None)
        if slug == "gzip-bomb":       # 256 MB of markup once decompressed
            return 200, {**html, "Content-Encoding": "gzip"}, self.bomb
        if slug == "deep-nesting":
            page = good_variant("deep-nesting").decode().replace(
                '<div class="news-detail__text">', '<div class="news-detail__text">' + "<div>" * 10_000)
            return 200, html, page.encode()
        if slug in ("loop-a", "loop-b"):
            return 302, {"Location": "/en/hostile/" + ("loop-b" if slug == "loop-a" else "loop-a")}, b""
        if slug == "self-redirect":
            return 301, {"Location": "/en/hostile/self-redirect"}, b""
        if slug == "moved-away":
            return 301, {"Location": f"{self.other}/en/hostile/good-story"}, b""
        if slug == "moved-here":
            return 301, {"Location": "/en/hostile/moved-target-story"}, b""
        if slug == "rate-limited-story" and self.first_time(slug):
            return 429, {"Retry-After": "1", "Content-Type": "text/plain"}, b"slow down"
        if slug == "dated-retry-story" and self.first_time(slug):
            when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=2), usegmt=True)
            return 503, {"Retry-After": when, "Content-Type": "text/plain"}, b"maintenance"
        if slug == "go-away":
            return 503, {"Retry-After": "86400", "Content-Type": "text/plain"}, b"come back tomorrow"
        if slug == "warn-size-story":  # 300 kB: over this crawl's 200 kB warning size, under the cap
            return 200, html, good_variant(slug, padding=300_000)
        if slug in GOOD_VARIANTS:
            return 200, html, good_variant(slug)
        return 404, html, b"<html><body>not here</body></html>"

    def first_time(self, slug: str) -> bool:
        with self.lock:
            if slug in self.answered_once:
                return False
            self.answered_once.add(slug)
            return True


def serve(site: HostileSite) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, headers, body = site.answer(parts.path, parts.query)
            with site.lock:
                site.hits.append(Hit(parts.path + (f"?{parts.query}" if parts.query else ""), status))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if isinstance(body, tuple):   # a streamed giant
                size = body[1]
                if size is not None:
                    self.send_header("Content-Length", str(size))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                chunk = b"<p>" + b"deepfake " * (MB // 9) + b"</p>"
                sent = 0
                try:
                    self.wfile.write(b"<html><body><article>")
                    while sent < 50 * MB:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                except OSError:           # the crawler hung up, as it should
                    self.close_connection = True
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile")
    site = HostileSite()
    site.bomb = gzip_of(b"<html><body><article><h1>Bomb</h1><p>", b"deepfake ", 256 * MB)
    site.sitemap_bomb = gzip_of(b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                b"<url><loc>/en/bomb/entry-one</loc></url>", b" ", 64 * MB)
    other_site = HostileSite()
    server, other = serve(site), serve(other_site)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    site.other = f"http://127.0.0.1:{other.server_address[1]}"
    store_url = f"sqlite:///{work}/lexwatch.db"
    log = work / "crawl.log"
    settings = {**REPLICA_SETTINGS, "LOG_LEVEL": "INFO", "LEXWATCH_SITEMAP_MAXSIZE": SITEMAP_MAX,
                "DOWNLOAD_WARNSIZE": 200_000, "LEXWATCH_MAX_PAGES": MAX_PAGES, "LEXWATCH_RETRY_AFTER_MAX": 10,
                "RETRY_TIMES": 2, "DOWNLOAD_TIMEOUT": 60}
    result = work / "stats.json"
    command = crawl_command(["report"], langs=["en"], store_url=store_url, base_urls={"report": site.base},
                            settings=settings, log_file=str(log), result_path=str(result))
    import subprocess
    started = time.monotonic()
    child = subprocess.Popen(command, env=child_env())
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    server.shutdown()
    other.shutdown()
    assert child.returncode == 0, log.read_text()[-3000:]
    with open_store(store_url) as store:
        articles = {a.canonical_url: a for a in store.iterate()}
    return SimpleNamespace(site=site, other=other_site, log=log.read_text(), articles=articles,
                           stats=json.loads(result.read_text())["outlets"]["report"], peak_rss_kb=usage.ru_maxrss,
                           seconds=time.monotonic() - started)


def url(hostile, slug: str) -> str:
    return canonical_url(f"{hostile.site.base}/en/hostile/{slug}")


def lines(hostile, *needles: str) -> list[str]:
    return [line for line in hostile.log.splitlines() if all(n in line for n in needles)]


# -- the crawl as a whole ------------------------------------------------------------------------
def test_the_crawl_finishes_and_stores_every_readable_article(hostile):
    assert hostile.stats["finish_reason"] == "finished"
    readable = ["good-story", "empty-date-story", "impossible-date-story", "year-zero-story", "far-future-story",
                "moved-target-story", "rate-limited-story", "dated-retry-story", "warn-size-story", "tracked-story",
                "invalid-utf8-page", "cp1251-no-charset", "cp1251-wrong-charset", "malformed-sitemap-story"]
    assert set(hostile.articles) == {url(hostile, s) for s in readable}


def test_no_traceback_and_no_spider_error(hostile):
    assert "Traceback" not in hostile.log
    assert not lines(hostile, "Spider error processing")
    assert not lines(hostile, "Error processing")


def test_memory_stays_bounded(hostile):
    """256 MB and 64 MB bombs and 50 MB pages went by: the crawl process never held them."""
    assert hostile.peak_rss_kb < 1024 * 1024


# -- one test per hostile item ----------------------------------------------------------------
@pytest.mark.parametrize("slug,reason", [
    ("empty-page", "empty page"), ("whitespace-page", "empty page"), ("pdf-as-html", "binary content"),
    ("image-as-html", "binary content"), ("js-shell-page", "no article text found"),
    ("deep-nesting", "nested deeper than 256 levels"),
])
def test_unusable_page_is_one_warning_and_not_stored(hostile, slug, reason):
    found = lines(hostile, "WARNING", f"unusable page {hostile.site.base}/en/hostile/{slug}:", reason)
    assert len(found) == 1
    assert url(hostile, slug) not in hostile.articles


@pytest.mark.parametrize("slug", ["invalid-utf8-page", "cp1251-no-charset", "cp1251-wrong-charset"])
def test_broken_or_lying_encodings_are_read(hostile, slug):
    article = hostile.articles[url(hostile, slug)]
    assert article.title == "Мажилис одобрил законопроект о дипфейках" and article.language == "ru"
    assert "Депутаты Мажилиса одобрили в первом чтении" in article.body


def test_50_mb_page_is_cancelled_by_its_announced_size(hostile):
    assert lines(hostile, "Expected to receive 52428800 bytes which is larger than download max size",
                 "/en/hostile/huge-page")
    assert url(hostile, "huge-page") not in hostile.articles


def test_50_mb_page_without_length_is_cut_at_the_cap(hostile):
    assert lines(hostile, "bytes which is larger than download max size", "/en/hostile/huge-stream")
    assert url(hostile, "huge-stream") not in hostile.articles


def test_gzip_bomb_stops_at_the_cap_on_decompressed_size(hostile):
    assert lines(hostile, "/en/hostile/gzip-bomb", "exceeded DOWNLOAD_MAXSIZE (8388608 B) during decompression")
    assert url(hostile, "gzip-bomb") not in hostile.articles


def test_a_page_over_the_warning_size_is_flagged_and_still_read(hostile):
    assert lines(hostile, "WARNING", "larger than download warn size (200000)", "/en/hostile/warn-size-story")
    assert url(hostile, "warn-size-story") in hostile.articles


def test_redirect_loop_is_given_up_with_a_warning(hostile):
    assert lines(hostile, "WARNING", f"article {hostile.site.base}/en/hostile/loop-a redirects in a loop")
    assert len(hostile.site.paths("/en/hostile/loop-")) <= 2 * 6     # bounded by REDIRECT_MAX_TIMES
    assert lines(hostile, "WARNING", f"article {hostile.site.base}/en/hostile/self-redirect redirects in a loop")


def test_redirect_to_another_host_is_not_followed(hostile):
    assert lines(hostile, "WARNING", f"{hostile.site.base}/en/hostile/moved-away redirects off-site to {hostile.site.other}")
    assert hostile.other.hits == []
    assert url(hostile, "moved-target-story") in hostile.articles   # a redirect on the site is followed


def test_429_and_503_with_retry_after_are_waited_for(hostile):
    for slug, status in (("rate-limited-story", 429), ("dated-retry-story", 503)):
        assert [h.status for h in hostile.site.paths(f"/en/hostile/{slug}")] == [status, 200]
        assert url(hostile, slug) in hostile.articles
    assert hostile.stats["retries"] >= 2


def test_a_retry_after_too_long_gives_the_page_up_for_this_run(hostile):
    assert [h.status for h in hostile.site.paths("/en/hostile/go-away")] == [503]
    assert lines(hostile, "WARNING", "/en/hostile/go-away answered 503 asking to wait 86400 s (Retry-After)",
                 "given up for this run")
    assert url(hostile, "go-away") not in hostile.articles


def test_tracking_parameter_duplicates_are_fetched_and_stored_once(hostile):
    fetched = hostile.site.paths("/en/hostile/tracked-story")
    assert [h.path for h in fetched] == ["/en/hostile/tracked-story"]     # feed, sitemap, listing: one fetch
    assert sum(u.endswith("/tracked-story") for u in hostile.articles) == 1


def test_endless_calendar_listing_stops_at_the_page_cap(hostile):
    pages = [h.path for h in hostile.site.paths("/en/news-feed/")]
    assert len(pages) == MAX_PAGES and len(set(pages)) == MAX_PAGES
    assert lines(hostile, "WARNING", f"not following page {MAX_PAGES + 1}", f"LEXWATCH_MAX_PAGES={MAX_PAGES}")


def test_self_referencing_sitemap_index_is_read_a_bounded_number_of_times(hostile):
    counts = Counter(h.path for h in hostile.site.paths("/sitemap"))
    assert counts["/sitemap.xml"] <= 2 and counts["/sitemap/cycle.xml"] == 1


def test_malformed_sitemap_yields_what_it_can(hostile):
    assert [h.status for h in hostile.site.paths("/en/hostile/malformed-sitemap-story")] == [200]
    assert url(hostile, "malformed-sitemap-story") in hostile.articles


@pytest.mark.parametrize("path,reason", [("/sitemap/garbage.xml", "Document is empty"),
                                         ("/sitemap/html.xml", "<html> where <urlset> or <sitemapindex> was expected")])
def test_unreadable_sitemap_is_one_warning(hostile, path, reason):
    assert len(lines(hostile, "WARNING", f"unreadable sitemap {hostile.site.base}{path}:", reason)) == 1


def test_huge_sitemap_is_cancelled_at_its_cap(hostile):
    assert lines(hostile, "larger than download max size (1048576)", "/sitemap/huge.xml")
    assert hostile.site.paths("/en/huge/") == []


def test_gzipped_sitemap_bomb_is_refused(hostile):
    assert lines(hostile, "WARNING", f"unreadable sitemap {hostile.site.base}/sitemap/bomb.xml.gz",
                 f"decompresses to more than {SITEMAP_MAX} bytes")
    assert lines(hostile, "/sitemap/transport-bomb.xml", f"exceeded DOWNLOAD_MAXSIZE ({SITEMAP_MAX} B) during decompression")
    assert hostile.site.paths("/en/bomb/") == []


def test_rss_items_with_bad_dates_are_still_fetched_and_dated_by_their_page(hostile):
    for slug in ("good-story", "empty-date-story", "impossible-date-story", "year-zero-story", "far-future-story"):
        article = hostile.articles[url(hostile, slug)]
        assert article.published_at == "2026-03-12T14:23:00+04:00", slug
