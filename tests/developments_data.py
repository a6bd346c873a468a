"""Articles for the developments tests: every page of the outlet replicas (the demo crawl's input),
analysed by the real pipeline under its real URL, cached per test session."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from lexwatch.article import Article
from lexwatch.nlp.pipeline import analyze_page

REPLICAS = Path(__file__).parent / "replicas"
OUTLETS = tuple(sorted(d.name for d in REPLICAS.iterdir() if (d / "manifest.json").is_file()))


@lru_cache(maxsize=1)
def replica_articles() -> tuple[Article, ...]:
    """One Article per manifest entry (the latest day's version of its page), with `key` and `outlet`
    of its replica story recorded in `section`-independent form: see replica_story()."""
    out = []
    for outlet in OUTLETS:
        base = REPLICAS / outlet
        manifest = json.loads((base / "manifest.json").read_text(encoding="utf-8"))
        routes = json.loads((base / "routes.json").read_text(encoding="utf-8"))
        for entry in manifest:
            route = None
            for days in routes.values():
                for day in sorted(days, reverse=True):
                    route = route or days[day].get(entry["path"])
            if route is None or "html" not in route.get("type", ""):
                continue
            html = (base / "files" / route["file"]).read_bytes()
            article = analyze_page(html, entry["real_url"], outlet=outlet, content_type=route["type"],
                                   fetched_at="2026-12-01T00:00:00+00:00")
            _STORY[article.id] = f"{outlet}/{entry['key']}"
            out.append(article)
    return tuple(out)


_STORY: dict[str, str] = {}


def replica_story(article_id: str) -> str:
    """'report/ai-forgery-criminal-liability': the replica story an analysed article came from."""
    replica_articles()
    return _STORY[article_id]


# -- the labelled grouping set (tests/data/developments/grouping.yaml) ---------------------------
GROUPING = Path(__file__).parent / "data" / "developments" / "grouping.yaml"
HELDOUT = Path(__file__).parent / "data" / "developments" / "heldout.yaml"
EVAL = Path(__file__).parent / "data" / "eval"
FETCHED = "2026-12-01T00:00:00+00:00"   # what an undated page's day falls back to


@lru_cache(maxsize=1)
def grouping_sets() -> dict[str, tuple[list[Article], dict[str, tuple[str, str]]]]:
    """world -> (its analysed articles, article id -> (development label, track label))."""
    import yaml
    from lexwatch.nlp.evaluation import analyze_labelled
    spec = yaml.safe_load(GROUPING.read_text(encoding="utf-8"))
    worlds = {}
    articles = list(replica_articles())
    labels = {a.id: tuple(spec["replicas"][replica_story(a.id)]) for a in articles
              if replica_story(a.id) in spec["replicas"]}
    worlds["replicas"] = (articles, labels)

    eval_labels = json.loads((EVAL / "labels.json").read_text(encoding="utf-8"))
    articles, labels = [], {}
    for key, entry in eval_labels.items():
        article = analyze_labelled(EVAL, key, entry)
        article.fetched_at = FETCHED
        articles.append(article)
        if key in spec["eval"]:
            labels[article.id] = tuple(spec["eval"][key])
    worlds["eval"] = (articles, labels)

    worlds["cases"] = _cases(spec["cases"])
    return worlds


def _cases(cases: list[dict]) -> tuple[list[Article], dict[str, tuple[str, str]]]:
    from lexwatch.nlp.pipeline import analyze_text
    articles, labels = [], {}
    urls = {case["id"]: case["url"] for case in cases}
    for case in cases:
        article = analyze_text(f"{case['title']}\n{case['body']}", case["url"], outlet=case["outlet"],
                               edition=case["language"], published_at=case["published"], fetched_at=FETCHED)
        article.translations = {f"t{i}": urls[other] for i, other in enumerate(case["translations"])}
        articles.append(article)
        labels[article.id] = tuple(case["labels"])
    return articles, labels


@lru_cache(maxsize=1)
def heldout_set() -> tuple[list[Article], dict[str, tuple[str, str]]]:
    """The held-out cases (tests/data/developments/heldout.yaml), written after the rules froze."""
    import yaml
    return _cases(yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["cases"])
