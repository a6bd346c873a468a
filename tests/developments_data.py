"""Articles for the developments tests: every page of the outlet replicas (the demo crawl's input),
analysed by the real pipeline under its real URL, cached per test session."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from lexwatch.article import Article
from lexwatch.nlp.pipeline import analyze_page

REPLICAS = Path(__file__).parent / "replicas"
OUTLETS = ("report", "kazinform", "kursiv")


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
