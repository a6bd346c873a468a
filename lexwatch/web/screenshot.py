"""A PNG of the search page, taken with the system Chromium through Playwright (a test dependency).

    lexwatch serve --store sqlite:///data/lexwatch.db --screenshot docs/screenshot.png [--screenshot-query 'relevant=1']
    lexwatch serve --store sqlite:///data/lexwatch.db --screenshot docs/tracker.png --screenshot-page /tracker --screenshot-query ''

"""
from __future__ import annotations

from pathlib import Path

from lexwatch.index.store import Store
from lexwatch.web.app import create_app
from lexwatch.web.server import BackgroundServer

CHROMIUM = "/usr/bin/chromium"
# Offline and quiet: no update checks, sync or QUIC probes from the test browser.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch_chromium(playwright):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def take_screenshot(store: Store, out: Path, query: str = "relevant=1", width: int = 1280, height: int = 900,
                    page_path: str = "/", open_steps: int = 0) -> Path:
    """`open_steps`: unfold that many of the page's <details> (the Tracker's steps) before the shot."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise RuntimeError("screenshots need Playwright: pip install -e '.[test]'") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    with BackgroundServer(create_app(store)) as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}{page_path}?{query.lstrip('?')}")
            summaries = page.locator("details > summary")
            for i in range(min(open_steps, summaries.count())):
                summaries.nth(i).click()
            page.screenshot(path=str(out), full_page=False)
        finally:
            browser.close()
    return out
