"""The web app without a browser: the JSON API, the pages' HTML, errors and access rules, called
through WSGI directly (fast), on both stores where the answers come from the store."""
from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from wsgiref.util import setup_testing_defaults

import pytest
from jsonschema import Draft202012Validator

from lexwatch.index.store import Filters, StoreError
from lexwatch.article import Article
from lexwatch.web.app import CSP, create_app
from lexwatch.web.chart import build_chart
from lexwatch.web.format import penalties_short
from tests.corpus import corpus

REPORT_AZ = "https://report.az/milli-meclis/suni-intellekt-cinayet-mesuliyyeti"
REPORT_RU = "https://report.az/ru/milli-medzhlis/poddelka-golosa-ii-ugolovno-nakazuema"
REPORT_EN = "https://report.az/en/milli-majlis/azerbaijan-may-criminalize-ai-generated-voice"
HOSTILE_URL = "https://report.az/en/hostile-test-page"


def hostile_article() -> Article:
    """What a compromised or malicious page could put into every field the web page shows."""
    return Article(
        url=HOSTILE_URL, outlet="report", edition="en", language="en",
        title='<script>window.__pwned = 1</script>Deepfake bill <img src=x onerror="window.__pwned=2">',
        body='Deepfake rules <b onmouseover="window.__pwned=3">bold</b> <a href="javascript:window.__pwned=4">click</a>'
             ' </p><script>window.__pwned=5</script>',
        published_at="2026-03-05T10:00:00+04:00", fetched_at="2026-03-10T08:00:00+00:00",
        authors=['<svg onload="window.__pwned=6">'], tags=["<i>tag</i>"],
        translations={"ru": "javascript:window.__pwned=7", "az": "data:text/html,<script>alert(1)</script>"},
        deepfake={"relevant": True, "score": 0.9, "stage": "proposal", "jurisdictions": ["AZ"],
                  "penalties": [{"kind": "fine", "min": 1, "max": 2, "unit": "AZN",
                                 "text": '<script>window.__pwned=8</script>'}],
                  "bodies": ['<img src=x onerror="window.__pwned=9">']})


def web_articles() -> list[Article]:
    """The shared test corpus, with the three report.az versions linked as translations of each
    other and the fuller penalties the tagger finds in them, plus one hostile article."""
    articles = corpus()
    versions = {"az": REPORT_AZ, "ru": REPORT_RU, "en": REPORT_EN}
    sentence = [{"kind": "fine", "min": 3000, "max": 7000, "unit": "AZN", "equivalent": None,
                 "text": "3000 manatdan 7000 manatadək cəriməsi"},
                {"kind": "imprisonment", "min": None, "max": 3, "unit": "years", "equivalent": None,
                 "text": "üç ilədək azadlıqdan məhrumetmə"}]
    for article in articles:
        if article.url in versions.values():
            article.translations = {k: v for k, v in versions.items() if v != article.url}
            article.deepfake["penalties"] = sentence
            article.deepfake["bodies"] = ["Milli Məclis"]
        if "vvedut-shtrafy" in article.url:
            article.deepfake["penalties"] = [{"kind": "fine", "min": None, "max": 100, "unit": "MRP",
                                              "equivalent": {"min": None, "max": 393200, "unit": "KZT"},
                                              "text": "до 100 МРП"}]
    return articles + [hostile_article()]


def call(app, path: str, query: str = "", method: str = "GET", **headers: str):
    environ: dict = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=method, HTTP_HOST="127.0.0.1:8000")
    environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    seen = {}

    def start_response(status, response_headers):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(response_headers)

    body = b"".join(app(environ, start_response)).decode("utf-8")
    return seen["status"], seen["headers"], body


def get_json(app, path: str, query: str = ""):
    status, headers, body = call(app, path, query)
    assert headers["Content-Type"].startswith("application/json"), body
    return status, json.loads(body)


@pytest.fixture
def filled(store):
    store.upsert(web_articles())
    return store


@pytest.fixture
def app(filled):
    return create_app(filled)


@pytest.fixture
def sqlite_app(sqlite_store):
    sqlite_store.upsert(web_articles())
    return create_app(sqlite_store)


def titles(hits) -> list[str]:
    return [h["title"] for h in hits]


# -- answers from the store (both stores) ----------------------------------------------------------
def test_search_api_marks_query_words_and_summarises_penalties(app):
    status, data = get_json(app, "/api/search", "q=дипфейк&lang=ru")
    assert status == 200
    assert data["total"] == 3 and data["pages"] == 1
    assert {h["outlet"] for h in data["hits"]} == {"report", "kazinform", "kursiv"}
    assert all("<mark>" in h["snippet"] for h in data["hits"])
    by_outlet = {h["outlet"]: h for h in data["hits"]}
    assert by_outlet["report"]["penalties_short"] == "fine 3,000–7,000 AZN; prison up to 3 years"
    assert by_outlet["kursiv"]["penalties_short"] == "fine up to 100 MRP (≈ up to 393,200 KZT)"
    assert by_outlet["kazinform"]["penalties_short"] == ""


def test_filters_combine_and_dates_are_inclusive_local_days(app):
    _, kz = get_json(app, "/api/search", "country=KZ&relevant=1")
    assert kz["total"] == 3
    assert all("KZ" in h["deepfake"]["jurisdictions"] and h["deepfake"]["relevant"] for h in kz["hits"])
    _, stages = get_json(app, "/api/search", "stage=committee&stage=in_force")
    assert sorted(h["deepfake"]["stage"] for h in stages["hits"]) == ["committee", "committee", "in_force"]
    _, commas = get_json(app, "/api/search", "stage=committee,in_force")
    assert titles(commas["hits"]) == titles(stages["hits"])
    # 2026-03-01T00:30+04:00 is still February in UTC but a March story in Baku
    _, march = get_json(app, "/api/search", "from=2026-03-01&to=2026-03-31")
    assert {h["url"] for h in march["hits"]} == {REPORT_RU, REPORT_EN, HOSTILE_URL}
    _, en_report = get_json(app, "/api/search", "outlet=report&lang=en&sort=date&size=2&page=2")
    assert en_report["total"] == 4 and en_report["pages"] == 2 and len(en_report["hits"]) == 2


def test_timeline_api_counts_weeks_per_country(app, filled):
    status, data = get_json(app, "/api/timeline", "relevant=1&interval=week&split=country")
    assert status == 200 and data["interval"] == "week" and data["split"] == "country"
    expected = filled.timeline("", Filters(relevant=True), interval="week", split="jurisdiction").buckets
    assert data["buckets"] == expected
    starts = [b["start"] for b in data["buckets"]]
    assert starts[0] == "2025-06-30" and all(b for b in starts)   # Monday of the week of 2025-07-04
    jan5 = next(b for b in data["buckets"] if b["start"] == "2026-01-05")
    assert jan5["counts"] == {"AZ": 1, "KZ": 1} and jan5["total"] == 1   # one article, two countries


def test_facets_count_other_values_of_the_chosen_filter(app):
    _, facets = get_json(app, "/api/facets", "country=AZ&relevant=1")
    assert facets["country"] == {"AZ": 5, "KZ": 3, "EU": 1}   # AZ chosen, KZ still offered
    assert facets["stage"] == {"committee": 2, "proposal": 3}   # counted within AZ
    assert "none" not in facets["lang"]


def test_article_api_links_held_translations(app):
    _, search = get_json(app, "/api/search", "lang=ru&outlet=report")
    article_id = search["hits"][0]["id"]
    status, article = get_json(app, f"/api/article/{article_id}")
    assert status == 200 and article["url"] == REPORT_RU
    versions = {v["language"]: v for v in article["versions"]}
    assert set(versions) == {"az", "en"}
    assert all(v["id"] for v in versions.values())
    _, az = get_json(app, f"/api/article/{versions['az']['id']}")
    assert az["url"] == REPORT_AZ and az["deepfake"]["bodies"] == ["Milli Məclis"]


def test_page_shows_what_the_api_returns_for_the_same_query_string(app):
    query = "q=deepfake&country=AZ&sort=date"
    _, data = get_json(app, "/api/search", query)
    status, headers, html = call(app, "/", query)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    shown = re.findall(r'<h3 id="hit-[0-9a-f]+"><a href="/article/([0-9a-f]+)"', html)
    assert shown == [h["id"] for h in data["hits"]]
    assert f'{data["total"]} articles for “deepfake”' in html
    assert 'value="AZ" checked' in html


# -- errors and rules (SQLite is enough) -------------------------------------------------------------
@pytest.mark.parametrize("query, message", [
    ("page=0", "page must be a whole number from 1"),
    ("page=two", "page must be a whole number"),
    ("size=1000", "size must be a whole number from 1 to 100"),
    ("stage=lobbying", "stage must be one of proposal"),
    ("country=AZE", "country must be a two-letter code"),
    ("from=2026-13-01", "from must be a date as YYYY-MM-DD"),
    ("from=2026-03-02&to=2026-03-01", "from (2026-03-02) is after to (2026-03-01)"),
    ("relevant=maybe", "relevant must be 1"),
    ("interval=fortnight", "interval must be one of day, week, month, year"),
    ("split=author", "split must be one of country"),
    ("q=a&q=b", "parameter 'q' given 2 times"),
    ("colour=red", "unknown parameter(s): colour"),
    ("q=" + "x" * 501, "q is longer than 500 characters"),
    ("page=501&size=20", "results beyond 10000 are not paged"),
    ("q=" + "+".join(f"w{i}" for i in range(40)), "query has more than 32 terms"),
])
def test_bad_parameters_answer_400_with_a_message(sqlite_app, query, message):
    for path in ("/api/search", "/api/timeline", "/"):
        status, headers, body = call(sqlite_app, path, query)
        assert status == 400, (path, body)
        assert message in (json.loads(body)["error"] if path.startswith("/api/") else html.unescape(body))
        assert "Traceback" not in body


def test_unknown_article_and_page_are_404(sqlite_app):
    assert call(sqlite_app, "/article/" + "0" * 24)[0] == 404
    assert call(sqlite_app, "/article/../../etc/passwd")[0] == 404
    status, data = get_json(sqlite_app, "/api/article/nothex")
    assert status == 404 and "24 hexadecimal digits" in data["error"]
    assert call(sqlite_app, "/static/../app.py")[0] == 404
    assert call(sqlite_app, "/admin")[0] == 404


def test_only_get_and_head(sqlite_app):
    assert call(sqlite_app, "/api/search", method="POST")[0] == 405
    status, headers, body = call(sqlite_app, "/", method="HEAD")
    assert status == 200 and body == "" and int(headers["Content-Length"]) > 1000


def test_every_answer_carries_a_strict_content_security_policy(sqlite_app):
    for path, query in (("/", ""), ("/api/search", ""), ("/api/search", "page=0"), ("/nothing", ""),
                        ("/static/style.css", ""), ("/api/openapi.json", "")):
        headers = call(sqlite_app, path, query)[1]
        assert headers["Content-Security-Policy"] == CSP
        assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src" not in CSP and "default-src 'none'" in CSP and "unsafe-inline" not in CSP


def test_hostile_article_text_is_inert_in_the_html(sqlite_app):
    _, search = get_json(sqlite_app, "/api/search", "q=bill")
    hostile_id = search["hits"][0]["id"]
    for page in (call(sqlite_app, "/", "q=deepfake bill")[2], call(sqlite_app, f"/article/{hostile_id}")[2]):
        assert "<script>" not in page and "<img" not in page and "<svg onload" not in page
        assert not re.search(r"""\son\w+=["']""", page)   # no event-handler attribute got through
        assert not re.search(r"""href=["']?\s*(javascript|data):""", page, re.I)
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;Deepfake bill" in page
    article_html = call(sqlite_app, f"/article/{hostile_id}")[2]
    assert "javascript:window.__pwned=7" in article_html   # shown as text, not as a link
    assert "&lt;b onmouseover=" in article_html


def test_snippets_never_carry_markup_other_than_mark():
    from lexwatch.web.format import snippet_markup
    out = str(snippet_markup('a <mark>b</mark> <mark onclick="x">c</mark> <script>d</script>'))
    assert out == 'a <mark>b</mark> &lt;mark onclick="x">c</mark> &lt;script>d&lt;/script>'


def test_store_failure_is_503_and_a_crash_is_500_without_traceback(sqlite_store):
    class DownStore:
        url = "http://127.0.0.1:1"

        def search(self, *a, **k):
            raise StoreError("Elasticsearch at http://127.0.0.1:1 is unreachable (search): refused")

        def timeline(self, *a, **k):
            raise RuntimeError("secret internal detail")

    app = create_app(DownStore())
    status, data = get_json(app, "/api/search")
    assert status == 503 and "is unreachable" in data["error"]
    status, headers, body = call(app, "/api/timeline")
    assert status == 500 and "secret" not in body and "Traceback" not in body


def test_token_is_required_when_set(sqlite_store):
    app = create_app(sqlite_store, token="s3cret;token", local_only=False)
    assert call(app, "/api/search")[0] == 401
    assert call(app, "/", "token=wrong")[0] == 401
    assert call(app, "/api/search", authorization="Bearer s3cret;token")[0] == 200
    status, headers, _ = call(app, "/", "q=deepfake&token=s3cret%3Btoken")
    assert status == 303 and headers["Location"] == "/?q=deepfake"
    cookie = headers["Set-Cookie"].split(";")[0]
    assert "s3cret" not in cookie and "HttpOnly" in headers["Set-Cookie"]
    assert call(app, "/", "q=deepfake", cookie=cookie)[0] == 200
    assert call(app, "/", cookie="lexwatch_token=forged")[0] == 401
    assert call(app, "/static/style.css")[0] == 200   # the error page's stylesheet needs no token


def test_loopback_server_refuses_foreign_host_names(sqlite_store):
    local = create_app(sqlite_store)
    assert call(local, "/api/search", host="evil.example:8000")[0] == 403
    assert call(local, "/api/search", host="localhost:8000")[0] == 200
    assert call(local, "/api/search", host="[::1]:8000")[0] == 200
    assert call(create_app(sqlite_store, local_only=False), "/api/search", host="lexwatch.lan")[0] == 200


def test_openapi_describes_every_route_and_the_answers_match_it(sqlite_app):
    status, doc = get_json(sqlite_app, "/api/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {"/api/search", "/api/timeline", "/api/facets", "/api/article/{id}",
                                 "/api/openapi.json", "/api/tracker", "/api/development/{id}"}
    names = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert names == {"q", "country", "stage", "outlet", "lang", "from", "to", "relevant", "sort", "page",
                     "size", "interval", "split", "group"}

    def check(schema_name, data):
        root = {"$ref": f"#/components/schemas/{schema_name}", "components": doc["components"]}
        Draft202012Validator(root).validate(data)

    check("SearchResult", get_json(sqlite_app, "/api/search", "q=дипфейк")[1])
    check("Timeline", get_json(sqlite_app, "/api/timeline", "split=stage")[1])
    check("Facets", get_json(sqlite_app, "/api/facets")[1])
    first = get_json(sqlite_app, "/api/search", "lang=az&outlet=report&relevant=1")[1]["hits"][0]
    check("ArticleView", get_json(sqlite_app, f"/api/article/{first['id']}")[1])
    check("Error", get_json(sqlite_app, "/api/search", "page=0")[1])
    with pytest.raises(Exception):
        check("SearchResult", {"total": "many"})


# -- formatting --------------------------------------------------------------------------------------
def test_penalties_read_short():
    assert penalties_short([{"kind": "fine", "min": 3000, "max": 7000, "unit": "AZN"},
                            {"kind": "imprisonment", "min": None, "max": 3, "unit": "years"}]) == \
        "fine 3,000–7,000 AZN; prison up to 3 years"
    assert penalties_short([{"kind": "arrest", "min": 10, "max": 30, "unit": "days"}]) == "arrest 10–30 days"
    assert penalties_short([{"kind": "fine", "min": 500.5, "max": 500.5, "unit": "EUR"}]) == "fine 500.5 EUR"
    assert penalties_short([{"kind": "community_service", "min": 240, "max": None, "unit": "hours"}]) == \
        "community service at least 240 hours"


def test_timeline_bars_link_to_their_own_dates():
    buckets = [{"start": "2026-01-01", "total": 2, "counts": {"AZ": 2, "KZ": 1}},
               {"start": "2026-02-01", "total": 0, "counts": {}}]
    chart = build_chart(buckets, "month", "jurisdiction", lambda a, b, i: f"/?from={a}&to={b}&interval={i}")
    first, second = chart.bars
    assert first.href == "/?from=2026-01-01&to=2026-01-31&interval=week"
    assert second.href == "/?from=2026-02-01&to=2026-02-28&interval=week"
    assert first.description == "Jan 2026: 2 articles (AZ 2, KZ 1)"
    assert [s.key for s in first.segments] == ["AZ", "KZ"] and second.segments == []
    assert first.segments[1].y == chart.ticks[-1][1]   # three stacked keys reach the top tick


# -- the command -------------------------------------------------------------------------------------
def test_serve_command_answers_on_localhost(tmp_path):
    from lexwatch.index.sqlite_store import SqliteStore
    db = tmp_path / "web.db"
    with SqliteStore(f"sqlite:///{db}") as store:
        store.upsert(web_articles())
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "lexwatch.cli", "serve", "--store", f"sqlite:///{db}",
                             "--port", "0"], stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stderr.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
        assert match, line
        deadline = time.time() + 10
        while True:
            try:
                with urllib.request.urlopen(match.group(1) + "/api/search?q=дипфейк".replace("дипфейк", "%D0%B4%D0%B8%D0%BF%D1%84%D0%B5%D0%B9%D0%BA")) as resp:
                    data = json.load(resp)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        assert data["total"] == 3
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_raw_utf8_query_string_is_decoded(app):
    """curl and scripts may send UTF-8 unescaped; WSGI passes it on as latin-1 characters."""
    raw = "q=дипфейк".encode("utf-8").decode("latin-1")
    status, decoded = get_json(app, "/api/search", raw)
    _, escaped = get_json(app, "/api/search", "q=%D0%B4%D0%B8%D0%BF%D1%84%D0%B5%D0%B9%D0%BA")
    assert status == 200 and decoded["total"] == escaped["total"] > 0
