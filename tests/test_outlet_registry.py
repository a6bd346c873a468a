"""The outlet registry (lexwatch/outlets/*.toml): schema validation, what it says about URLs, that the
analysis reads it, and that no outlet fact is written in code outside it."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lexwatch.outlets import (RegistryError, edition_language, guess_outlet, home_country, outlets, path_day,
                              story_url, utc_offset)
from lexwatch.outlets.registry import HERE as REGISTRY_DIR, read_outlet
from lexwatch.urls import canonical_url

ROOT = Path(__file__).resolve().parent.parent


def test_every_outlet_file_loads_and_names_its_facts():
    found = outlets()
    assert {"report", "kazinform", "kursiv"} <= set(found)
    for outlet in found.values():
        assert outlet.country and outlet.utc_offset and outlet.hosts and outlet.languages
        assert Path(outlet.source).parent == REGISTRY_DIR


@pytest.mark.parametrize("change,message", [
    (lambda t: t.replace('country = "KZ"', 'country = "Kazakhstan"'), "country: 'Kazakhstan' does not match"),
    (lambda t: t.replace('utc_offset = "+05:00"', 'utc_offset = "5"'), "utc_offset"),
    (lambda t: t + '\nfavourite_colour = "red"\n', "Additional properties are not allowed"),
    (lambda t: t.replace('name = "kazinform"', 'name = "kazinform/../x"'), "name"),
    (lambda t: t.replace("[listing]", "[listing_]", 1), "'listing_'"),
    (lambda t: t.replace("article_paths = [", "article_paths = ['(unclosed', ", 1), "bad regex"),
    (lambda t: t.replace("base_url = \"https://www.inform.kz\"", "base_url = \"www.inform.kz\"", 1), "sites/0/base_url"),
])
def test_a_broken_outlet_file_is_refused_with_file_and_field(tmp_path, change, message):
    path = tmp_path / "kazinform.toml"
    path.write_text(change((REGISTRY_DIR / "kazinform.toml").read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(RegistryError) as err:
        read_outlet(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_a_toml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('name = "x\n', encoding="utf-8")
    with pytest.raises(RegistryError, match=re.escape(str(path))):
        read_outlet(path)


@pytest.mark.parametrize("url,outlet,lang", [
    ("https://kaz.inform.kz/news/11-tamiz-kazinform-kuntzbes-zhilnama-fbf80170/", "kazinform", "kk"),
    ("https://www.inform.kz/ru/v-stochnih-vodah-atirau-obnaruzheni-ostatki-nefteproduktov-adef40", "kazinform", "ru"),
    ("https://inform.kz/en/some-story-1a2b3c", "kazinform", "en"),
    ("https://kz.kursiv.media/kk/2025-07-04/dipfeyk/", "kursiv", "kk"),
    ("https://uz.kursiv.media/2025-08-31/yuksalish/", "kursiv", "ru"),
    ("https://report.az/milli-meclis/deepfake-qanunu/", "report", "az"),
    ("https://report.az/en/milli-majlis/deepfake-law/", "report", "en"),
    ("https://example.org/news/x", "other", None),
])
def test_outlet_and_edition_of_a_url(url, outlet, lang):
    assert guess_outlet(url) == outlet
    assert edition_language(url, outlet) == lang


def test_article_shapes_of_the_known_public_urls():
    kazinform, kursiv, report = outlets()["kazinform"], outlets()["kursiv"], outlets()["report"]
    assert kazinform.is_article_path("/news/11-tamiz-kazinform-kuntzbes-zhilnama-fbf80170/")
    assert kazinform.is_article_path("/ru/bolee-11-mln-zelenih-nasazhdeniy-visadyat-v-astane-v-2026-godu-6a64cf5e")
    assert kazinform.is_article_path("/ru/zavershena-akciya-protesta-chlenov-profsoyuza_a2380062")
    assert kazinform.is_article_path("/ru/tokaev-podpisal-zakon-ob-iskusstvennom-intellekte")   # no id
    assert not kazinform.is_article_path("/ru/lenta") and not kazinform.is_article_path("/ru/archive")
    assert not kazinform.is_article_path("/kz/toqaev-zanga-qol-qoydy-60c4b2")   # no Kazakh edition under /kz/
    assert kursiv.is_article_path("/2025-06-09/kmlz-li-auto-problems/")
    assert not kursiv.is_article_path("/2025-06-09/kmlz-li-auto-problems/amp")
    assert kursiv.story_path("/2025-06-09/kmlz-li-auto-problems/amp") == "/2025-06-09/kmlz-li-auto-problems/"
    assert report.is_article_path("/en/milli-majlis/azerbaijan-may-criminalize-deepfakes")
    assert not report.is_article_path("/en/rss/")


def test_zone_country_path_day_and_story_url():
    assert utc_offset("report") == "+04:00" and utc_offset("kursiv") == "+05:00"
    assert utc_offset(None, "https://unknown.az/x") == "+04:00"   # the registry's zone for .az
    assert home_country("report") == "AZ" and home_country("nobody") is None
    assert path_day("https://kz.kursiv.media/2025-05-14/slug/", "kursiv") == (2025, 5, 14)
    assert path_day("https://kz.kursiv.media/2025-05-14/slug/amp", "kursiv") == (2025, 5, 14)
    assert path_day("https://report.az/en/x/y-z", "report") is None
    assert story_url("https://kz.kursiv.media/2025-05-14/slug/amp") == "https://kz.kursiv.media/2025-05-14/slug/"
    assert canonical_url("https://kz.kursiv.media/2025-05-14/slug/amp/?utm_source=x") \
        == canonical_url("https://kz.kursiv.media/2025-05-14/slug/")


def test_an_outlet_added_as_data_is_read_everywhere(tmp_path, monkeypatch):
    """A registry file in LEXWATCH_OUTLETS_DIR is an outlet: no code names it."""
    text = (REGISTRY_DIR / "kursiv.toml").read_text(encoding="utf-8")
    text = text.replace('name = "kursiv"', 'name = "newsite"').replace("kursiv.media", "newsite.example") \
        .replace('key = "kursiv"', 'key = "newsite"').replace('key = "kursiv-uz"', 'key = "newsite-uz"')
    (tmp_path / "newsite.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("LEXWATCH_OUTLETS_DIR", str(tmp_path))
    assert "newsite" in outlets()
    assert guess_outlet("https://kz.newsite.example/2025-05-14/x/") == "newsite"
    done = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**__import__("os").environ, "LEXWATCH_OUTLETS_DIR": str(tmp_path)})
    assert "newsite" in done.stdout.split(), done.stderr


NO_DATE_PAGE = """<html lang="ru"><head><meta charset="utf-8"><title>Депутаты обсудили штрафы за дипфейки</title></head>
<body><article><h1>Депутаты обсудили штрафы за дипфейки</h1>
<p>Депутаты мажилиса обсудили законопроект, который вводит административные штрафы за распространение
дипфейков без маркировки. По проекту штраф для физических лиц составит 30 МРП, для юридических — 200 МРП.</p>
<p>Авторы поправок предлагают обязать платформы удалять такие материалы в течение суток после обращения.
Законопроект направлен на рассмотрение в профильный комитет палаты.</p></article></body></html>"""


def test_analyze_dates_a_page_without_a_date_by_the_day_in_its_url(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(NO_DATE_PAGE, encoding="utf-8")
    import json
    run = lambda url: json.loads(subprocess.run(
        [sys.executable, "-m", "lexwatch.cli", "analyze", str(page), "--url", url, "--json"], cwd=ROOT,
        capture_output=True, text=True, timeout=300, check=True).stdout)
    story = run("https://kz.kursiv.media/2025-05-14/slug/")
    assert story["outlet"] == "kursiv" and story["published_at"] == "2025-05-14T00:00:00+05:00"
    amp = run("https://kz.kursiv.media/2025-05-14/slug/amp")
    assert amp["id"] == story["id"] and amp["canonical_url"] == story["canonical_url"]
    kazakh = run("https://kaz.inform.kz/news/dipfeyk-ushin-ayyppul-fbf80170/")
    assert (kazakh["outlet"], kazakh["edition"]) == ("kazinform", "kk")
    assert kazakh["published_at"] is None    # Kazinform's URLs carry no day
    assert story["deepfake"]["jurisdictions"] == ["KZ"]   # the home country, a weak prior


# -- no outlet fact outside the registry ------------------------------------------------------
SCANNED = ("lexwatch", "crawler", "nlp", "index", "dashboards")
NOT_AN_OUTLET = "registry-grep: not an outlet"


def _facts() -> list[tuple[str, re.Pattern]]:
    facts = []
    for outlet in outlets().values():
        facts.append((f"outlet name {outlet.name!r}", re.compile(r"""["'/]%s["'/]""" % re.escape(outlet.name))))
        facts += [(f"site key {s.key!r}", re.compile(r"""["']%s["']""" % re.escape(s.key))) for s in outlet.sites]
        facts += [(f"host {h}", re.compile(re.escape(h.removeprefix("www.")), re.I)) for h in outlet.hosts]
        facts.append((f"zone {outlet.utc_offset}", re.compile(r"""["']%s["']""" % re.escape(outlet.utc_offset))))
    return facts


def test_no_outlet_name_host_or_zone_in_code_outside_the_registry():
    facts, found = _facts(), []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if not path.is_file() or rel.startswith("lexwatch/outlets/") \
                    or path.suffix not in (".py", ".json", ".ndjson", ".yaml", ".html", ".js", ".cfg"):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if NOT_AN_OUTLET in line:
                    continue
                found += [f"{rel}:{number}: {what}" for what, rx in facts if rx.search(line)]
    assert not found, "outlet facts outside lexwatch/outlets/:\n" + "\n".join(found)


def test_the_scan_finds_a_planted_fact(tmp_path):
    """The grep above can fail: a host written in code is found."""
    host = next(iter(outlets().values())).hosts[0]
    assert any(rx.search(f'URL = "https://{host}/x"') for _, rx in _facts())


def test_a_redesign_adds_a_selector_version_and_the_old_one_keeps_its_period(tmp_path):
    """fundus-style versions: pages of each period are read with the selectors of their design."""
    from datetime import date
    text = (REGISTRY_DIR / "kursiv.toml").read_text(encoding="utf-8")
    text = text.replace('valid_from = "2022-01-01"', 'valid_from = "2022-01-01"\nvalid_until = "2026-04-01"', 1)
    text += '\n[[selectors]]\nvalid_from = "2026-04-01"\nbody = ".entry__body"\ndate = "time.entry__date"\n'
    path = tmp_path / "kursiv.toml"
    path.write_text(text, encoding="utf-8")
    outlet = read_outlet(path)
    assert outlet.selectors_on(date(2026, 3, 31)).body == ".post__content"
    assert outlet.selectors_on(date(2026, 4, 1)).body == ".entry__body"
    assert outlet.selectors_on(date(2021, 12, 31)) is None
