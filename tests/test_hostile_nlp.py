"""nlp on the hostile corpus (tests/data/bad/, one test per file) and on big inputs generated here:
every input is either read correctly or refused with a clear AnalysisError, never anything else."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lexwatch.crawler.run import child_env
from lexwatch.article import validate
from lexwatch.nlp import AnalysisError
from lexwatch.nlp.pipeline import analyze_page

BAD = Path(__file__).parent / "data" / "bad"
MANIFEST = {k: v for k, v in json.loads((BAD / "manifest.json").read_text(encoding="utf-8")).items()
            if not k.startswith("_")}
URL = "https://report.az/en/hostile/some-story"


def test_every_file_of_the_corpus_has_an_expectation():
    assert set(MANIFEST) == {p.name for p in BAD.iterdir() if p.name != "manifest.json"}


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_hostile_file(name):
    spec = MANIFEST[name]
    body = (BAD / name).read_bytes()
    if "unusable" in spec:
        with pytest.raises(AnalysisError, match=spec["unusable"]):
            analyze_page(body, URL, outlet="report", edition="en", content_type=spec["content_type"])
        return
    article = analyze_page(body, URL, outlet="report", edition="en", content_type=spec["content_type"])
    expected = spec["article"]
    assert article.title == expected["title"] and article.language == expected["language"]
    for words in expected["body"]:
        assert words in article.body
    assert "\ufffd" not in article.title and "Ð" not in article.body    # no mojibake
    validate(article.to_dict())


def good_page() -> str:
    return (BAD / "good-story.html").read_text(encoding="utf-8")


def test_markup_nested_10000_deep_is_refused_not_half_read():
    deep = good_page().replace('<div class="news-detail__text">', '<div class="news-detail__text">' + "<div>" * 10_000)
    with pytest.raises(AnalysisError, match="nested deeper than 256 levels"):
        analyze_page(deep.encode(), URL)
    unclosed = "<html><body>" + "<div><span><b>" * 4000 + "Deepfake law adopted. " * 30
    with pytest.raises(AnalysisError, match="nested deeper"):
        analyze_page(unclosed, URL)


def test_a_50_mb_page_is_refused_at_once_in_bounded_memory():
    """In a fresh process: the refusal must not parse (or copy) the page."""
    code = ("import resource, sys\n"
            "from lexwatch.nlp import AnalysisError\nfrom lexwatch.nlp.pipeline import analyze_page\n"
            "page = b'<html><body><article><h1>Deepfake</h1>' + b'<p>' + b'x' * (50 * 2**20) + b'</p></article></body></html>'\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "try:\n    analyze_page(page, 'https://report.az/en/x/y-z')\n    print('ANALYZED')\n"
            "except AnalysisError as exc:\n    print(exc)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=120)
    message, grown_kb = done.stdout.strip().splitlines()
    assert message == "page of 50 MB is larger than the 16 MB an article page may be"
    assert int(grown_kb) < 20 * 1024          # no copy of the page was made


def test_huge_metadata_is_dropped_so_every_store_takes_the_article(store):
    """A 40 kB author, tag, section, hreflang or canonical link would be refused by Elasticsearch's
    keyword fields (32 kB per term): such values are not names or links, and are left out."""
    big = "x" * 40_000
    head = (f'<meta name="author" content="{big}"><meta property="article:section" content="{big}">'
            f'<meta property="article:tag" content="{big}"><meta property="article:tag" content="deepfakes">'
            f'<link rel="alternate" hreflang="ru" href="https://report.az/ru/x/{big}">'
            f'<link rel="canonical" href="https://report.az/en/x/{big}">')
    page = good_page().replace("</head>", head + "</head>")
    article = analyze_page(page.encode(), URL)
    assert article.authors == [] and article.section is None and article.tags == ["deepfakes"]
    assert article.translations == {} and article.canonical_url == URL
    report = store.upsert([article])
    assert (report.created, report.errors) == (1, [])
    assert store.get(article.id) == article


def test_few_stray_bytes_in_utf8_keep_the_page_but_windows_1251_is_not_taken_for_it():
    ru = "Депутаты одобрили законопроект о дипфейках и штрафах для платформ. " * 20
    page = f"<html><head><title>Закон</title></head><body><article><h1>Закон</h1><p>{ru}</p></article></body></html>"
    damaged = page.encode("utf-8").replace("штрафах".encode(), "штра".encode() + b"\xd1")
    article = analyze_page(damaged, "https://kz.kursiv.media/2026-01-01/x/")
    assert "Депутаты одобрили законопроект" in article.body and article.language == "ru"
    single_byte = analyze_page(page.encode("cp1251"), "https://kz.kursiv.media/2026-01-01/x/")
    assert "Депутаты одобрили законопроект" in single_byte.body and "\ufffd" not in single_byte.body


def test_analysis_of_the_corpus_stays_in_bounded_memory():
    """Every corpus file, the deep markup and a 12 MB page, analysed in one fresh process."""
    code = ("import resource, json, pathlib\nfrom lexwatch.nlp import AnalysisError\nfrom lexwatch.nlp.pipeline import analyze_page\n"
            f"bad = pathlib.Path({str(BAD)!r})\n"
            "inputs = [p.read_bytes() for p in bad.iterdir()]\n"
            "inputs.append(b'<html><body>' + b'<div>' * 10000 + b'</body></html>')\n"
            "inputs.append(b'<html><body><article><p>' + b'Deepfake bill. ' * (12 * 2**20 // 15) + b'</p></article></body></html>')\n"
            "for body in inputs:\n"
            "    try:\n        analyze_page(body, 'https://report.az/en/x/y-z')\n"
            "    except AnalysisError:\n        pass\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) < 1536 * 1024      # KiB: well under what a 2-core CI box has


@pytest.mark.parametrize("claimed,expected", [
    ("0001-01-01T00:00:00+04:00", "2026-03-12T14:23:00+04:00"),   # a CMS default: the dateline is used
    ("1970-01-01T00:00:00Z", "2026-03-12T14:23:00+04:00"),
    ("9999-12-31T23:59:59+04:00", "2026-03-12T14:23:00+04:00"),
    ("2026-12-31T10:00:00+04:00", None),                          # months after the fetch: no date
    ("2026-03-11T09:00:00+04:00", "2026-03-11T09:00:00+04:00"),   # a plausible one is kept
])
def test_publication_dates_no_one_could_have_published_are_dropped(claimed, expected):
    """A page dated year 9999 would sit on top of every date-sorted list, one dated year 1 would
    stretch every timeline over 3.6 million days."""
    page = good_page().replace("</head>", f'<meta property="article:published_time" content="{claimed}"></head>')
    article = analyze_page(page.encode(), URL, fetched_at="2026-03-13T08:00:00+00:00")
    assert article.published_at == expected
