"""The spider set and the publisher registry: names, URL shapes, settings defaults."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.utils.misc import walk_modules_iter
from scrapy.utils.spider import iter_spider_classes

from lexwatch.crawler.publishers import PUBLISHERS, default_base_urls, normalize_langs

ROOT = Path(__file__).resolve().parent.parent
REPLICAS = ROOT / "tests" / "replicas"


def test_spider_names_are_unique_and_one_per_publisher():
    names = [cls.name for module in walk_modules_iter("lexwatch.crawler.spiders") for cls in iter_spider_classes(module)]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, f"spider names used twice: {duplicates}"
    assert sorted(names) == sorted(PUBLISHERS)


def test_scrapy_list_shows_one_spider_per_registry_outlet_without_warnings():
    done = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["gazeta", "kazinform", "kursiv", "report", "trend"]
    assert "same name" not in done.stderr


@pytest.mark.parametrize("outlet", sorted(PUBLISHERS))
def test_article_pattern_matches_exactly_the_article_pages_of_the_replica(outlet):
    publisher = PUBLISHERS[outlet]
    articles = {e["path"] for e in json.loads((REPLICAS / outlet / "manifest.json").read_text())}
    articles |= {e["flags"]["old_path"] for e in json.loads((REPLICAS / outlet / "manifest.json").read_text())
                 if e["flags"].get("old_path")}
    routes = json.loads((REPLICAS / outlet / "routes.json").read_text())
    paths = {p.partition("?")[0] for site in routes.values() for day in site.values() for p in day}
    for path in paths | articles:
        assert publisher.is_article_path(path) == (path in articles), path


def test_every_site_has_a_default_base_url_and_editions_have_sources():
    bases = default_base_urls()
    for publisher in PUBLISHERS.values():
        for site in publisher.sites:
            assert bases[site.key].startswith("https://")
            for edition in site.editions:
                assert edition.feeds or edition.sitemaps or site.sitemaps, (site.key, edition.lang)


def test_language_names_normalize():
    assert normalize_langs("az, RU,kz") == ["az", "ru", "kk"]
    assert normalize_langs(None) is None and normalize_langs("") is None


def test_politeness_defaults():
    from scrapy.settings import Settings
    settings = Settings()
    settings.setmodule("lexwatch.crawler.settings")
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert "+http" in settings.get("USER_AGENT")
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 16 * 1024 * 1024
    assert 0 < settings.getint("RETRY_TIMES") <= 5
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
