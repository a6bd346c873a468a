"""The page in a real browser (Debian's headless Chromium driven by Playwright): search, filter,
click a timeline bar, open an article, keyboard use, phone width, and a hostile article staying inert."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from lexwatch.web.app import create_app
from lexwatch.web.screenshot import launch_chromium
from lexwatch.web.server import BackgroundServer
from tests.test_web_api import web_articles

pytestmark = pytest.mark.browser


@pytest.fixture
def base_url(sqlite_store):
    sqlite_store.upsert(web_articles())
    with BackgroundServer(create_app(sqlite_store)) as url:
        yield url


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        tab.dialogs = []
        tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
        tab.console_errors = []
        tab.on("console", lambda msg: msg.type == "error" and tab.console_errors.append(msg.text))
        yield tab
        browser.close()


def state(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def result_heading(page) -> str:
    return page.locator("#results-heading").inner_text()


def test_search_filter_timeline_and_article(page, base_url):
    response = page.goto(base_url + "/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert result_heading(page) == "12 articles"

    # a search: words in any inflected form, the match marked in the snippets
    page.get_by_label("Search", exact=True).fill("дипфейк")
    page.get_by_label("Search", exact=True).press("Enter")
    page.wait_for_url(re.compile(r"q=%D0%B4"))
    assert result_heading(page) == "3 articles for “дипфейк”"
    assert page.locator(".hit mark").count() >= 3
    assert "дипфейк" in page.locator(".hit mark").first.inner_text().lower()

    # a filter: only Kazakhstan, kept in the URL together with the query
    page.get_by_role("checkbox", name=re.compile(r"Kazakhstan \(KZ\)")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"country=KZ"))
    assert state(page)["q"] == ["дипфейк"] and state(page)["country"] == ["KZ"]
    assert result_heading(page) == "2 articles for “дипфейк”"
    badges = page.locator(".hit .badges").all_inner_texts()
    assert len(badges) == 2 and all("KZ" in b for b in badges)
    assert page.get_by_role("checkbox", name=re.compile(r"Kazakhstan \(KZ\)")).is_checked()

    # a timeline bar: narrows to that month and charts it by week
    bars = page.locator("svg.chart a.bar")
    labels = bars.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    target = next(i for i, label in enumerate(labels) if label.startswith("Nov 2025: 1 article"))
    bars.nth(target).click()
    page.wait_for_url(re.compile(r"from=2025-11-01"))
    assert state(page)["to"] == ["2025-11-30"] and state(page)["interval"] == ["week"]
    assert result_heading(page) == "1 article for “дипфейк”"
    assert page.get_by_role("list", name="Active filters").inner_text().count("Published 2025-11-01 – 2025-11-30") == 1
    assert page.locator("svg.chart a.bar").count() == 1   # one week in November has matches

    # the article: full tags, body, link to the original
    page.locator(".hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/article/[0-9a-f]{24}$"))
    assert page.get_by_role("heading", level=1).inner_text() == "В МВД разъяснили ответственность за дипфейки"
    tags = page.locator("section.tags").inner_text()
    assert "Guidance" in tags and "Kazakhstan" in tags
    assert "статье 147" in page.locator("section.body").inner_text()
    original = page.get_by_role("link", name=re.compile("Read the original"))
    assert original.get_attribute("href").startswith("https://www.inform.kz/ru/")
    assert page.dialogs == [] and page.console_errors == []


def test_article_with_translations_and_penalties(page, base_url):
    page.goto(base_url + "/?q=criminalize")
    page.get_by_role("link", name="Azerbaijan may criminalize AI-generated voice and image manipulation").click()
    page.wait_for_url(re.compile(r"/article/[0-9a-f]{24}$"))
    table = page.locator("table.penalties")
    assert table.locator("tbody tr").count() == 2
    assert table.locator("tbody tr").first.inner_text().split("\t")[:2] == ["fine", "3,000–7,000 AZN"]
    assert "fine 3,000–7,000 AZN; prison up to 3 years" in page.locator("p.penalties").inner_text()
    versions = page.get_by_role("navigation", name="Other-language versions")
    english_url = page.url
    versions.get_by_role("link", name="in lexwatch").first.click()   # Azerbaijani comes first
    page.wait_for_url(lambda url: url != english_url and "/article/" in url)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Şəxsin razılığı olmadan")
    assert page.locator("h1").get_attribute("lang") == "az"


def test_hostile_article_stays_inert(page, base_url):
    page.goto(base_url + "/?q=bill")
    title = page.locator(".hit h3 a").first
    assert title.inner_text().startswith("<script>window.__pwned = 1</script>Deepfake bill <img")
    title.click()
    page.wait_for_url(re.compile(r"/article/[0-9a-f]{24}$"))
    page.wait_for_load_state("load")
    for element in page.locator("section.body, section.tags, header").all():
        element.hover()
    assert page.evaluate("window.__pwned") is None
    hrefs = page.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h and re.match(r"\s*(javascript|data):", h, re.I)]
    assert page.locator("script, img, iframe, object, embed").count() == 0
    assert "javascript:window.__pwned=7" in page.locator("nav.versions").inner_text()
    assert page.dialogs == []


def test_keyboard_and_landmarks(page, base_url):
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    for role, name in (("banner", None), ("main", None), ("search", "Articles"), ("form", "Filters"),
                       ("contentinfo", None), ("navigation", "Result pages")):
        assert page.get_by_role(role, name=name).count() == 1, role
    # every form control has a name a screen reader can announce
    unnamed = page.evaluate("""[...document.querySelectorAll('input, select, button')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                     && !(e.tagName == 'BUTTON' && e.textContent.trim())).map(e => e.outerHTML)""")
    assert unnamed == []
    # a timeline bar is reachable and operable from the keyboard
    bar = page.locator("svg.chart a.bar").first
    bar.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"from=\d{4}-\d{2}-\d{2}&to="))


def test_phone_width_has_no_sideways_scrolling(page, base_url):
    page.set_viewport_size({"width": 360, "height": 800})
    for path in ("/?relevant=1", "/?q=criminalize"):
        page.goto(base_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.locator(".hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/article/"))
    page.wait_for_load_state("load")   # the stylesheet makes long words wrap
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
