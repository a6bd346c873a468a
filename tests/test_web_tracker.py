"""The Tracker view and its API, the result list grouped by development and the article view's
"Other languages" line: through WSGI on both stores, and the Tracker in a real browser."""
from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from lexwatch.developments.step import attach
from lexwatch.web.app import create_app
from tests.developments_data import replica_articles
from tests.test_web_api import call, get_json, web_articles


@pytest.fixture
def tracker_app(store):
    articles = list(replica_articles())
    store.upsert(articles)
    attach(store, articles)
    return create_app(store)


def _schema_check(app, name, data):
    _, doc = get_json(app, "/api/openapi.json")
    Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": doc["components"]}).validate(data)


def test_tracker_api_lists_each_law_with_dated_steps_and_sources(tracker_app):
    status, payload = get_json(tracker_app, "/api/tracker", "country=AZ")
    assert status == 200
    _schema_check(tracker_app, "Tracker", payload)
    [az] = payload["countries"]
    assert az["code"] == "AZ"
    track = next(t for t in az["tracks"] if t["instrument_key"] == "criminal-code")
    steps = [s["stage"] for s in track["steps"]]
    assert steps[:4] == ["committee", "reading 1", "adopted", "signed"]
    committee = track["steps"][0]
    assert [g["language"] for g in committee["sources"]] == ["az", "ru", "en"]
    status, one = get_json(tracker_app, f"/api/development/{committee['id']}")
    assert status == 200 and one["id"] == committee["id"]
    _schema_check(tracker_app, "Development", one)
    assert get_json(tracker_app, "/api/development/" + "0" * 20)[0] == 404
    status, error = get_json(tracker_app, "/api/tracker", "country=Azerbaijan")
    assert status == 400 and "two-letter" in error["error"]
    assert get_json(tracker_app, "/api/tracker", "colour=red")[0] == 400


def test_tracker_page_renders_a_ladder_per_law(tracker_app):
    status, _, html = call(tracker_app, "/tracker", "country=KZ")
    assert status == 200
    assert html.count('<ol class="ladder">') >= 2
    assert "Law on Artificial Intelligence" in html and "Criminal Code" not in html.split("Law on Artificial Intelligence")[0]
    # each step opens onto its sources in every language: lexwatch's page and the original
    signed = re.search(r'<li class="step stage-signed".*?</li>\s*</ul>', html, re.S).group(0)
    assert {"kk", "ru", "en"} <= set(re.findall(r'<span class="lang">(\w+)</span>', signed))
    assert signed.count('href="/article/') == 6 and "original</a>" in signed


def test_result_list_groups_versions_of_one_development(tracker_app):
    _, plain = get_json(tracker_app, "/api/search", "relevant=1&size=100")
    _, grouped = get_json(tracker_app, "/api/search", "relevant=1&size=100&group=development")
    assert grouped["total"] == plain["total"]
    shown = [h for h in grouped["hits"] if not h["development"]["folded"]]
    assert len(shown) < len(grouped["hits"]) / 2
    _, _, html = call(tracker_app, "/", "relevant=1&size=100&group=development")
    assert html.count('<article class="hit"') == len(shown)
    assert re.search(r"\d versions: az · ru · en</a>", html)


def test_other_languages_are_two_separate_links(sqlite_store):
    sqlite_store.upsert(web_articles())
    app = create_app(sqlite_store)
    _, hits = get_json(app, "/api/search", "q=criminalize")
    _, _, html = call(app, f"/article/{hits['hits'][0]['id']}")
    start = html.index('class="versions"')
    text = " ".join(re.sub(r"<[^>]+>", "", html[start:html.index("</nav>", start)]).split())
    assert text.count("in lexwatch · original") == 2      # was "in lexwatchoriginal"


@pytest.mark.browser
def test_tracker_view_in_a_browser(sqlite_store, tmp_path):
    from playwright.sync_api import sync_playwright

    from lexwatch.web.screenshot import launch_chromium, take_screenshot
    from lexwatch.web.server import BackgroundServer
    articles = list(replica_articles())
    sqlite_store.upsert(articles)
    attach(sqlite_store, articles)
    with BackgroundServer(create_app(sqlite_store)) as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "/")
            page.get_by_role("link", name="Tracker").click()
            page.wait_for_url(re.compile(r"/tracker$"))
            assert page.get_by_role("heading", name="Azerbaijan", exact=False).count() >= 1
            track = page.locator("article.track", has=page.get_by_role("heading", name="Criminal Code", exact=True)).first
            steps = track.locator("ol.ladder > li")
            assert steps.count() >= 4
            sources = steps.first.locator("ul.sources")
            assert not sources.is_visible()                 # a step opens on demand, no script needed
            steps.first.locator("summary").click()
            assert sources.is_visible()
            sources.get_by_role("link").filter(has_text=re.compile("Azerbaijan may criminalize")).click()
            page.wait_for_url(re.compile(r"/article/[0-9a-f]{24}$"))
            assert page.locator("h1").get_attribute("lang") == "en"
        finally:
            browser.close()
    shot = take_screenshot(sqlite_store, tmp_path / "tracker.png", query="", page_path="/tracker", open_steps=2)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
