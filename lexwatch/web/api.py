"""The JSON payloads of /api/. The HTML pages render these same payloads, so the page and the API
cannot drift apart: `/?q=…` shows exactly what `/api/search?q=…` and `/api/timeline?q=…` return."""
from __future__ import annotations

from typing import Any

from lexwatch.index.store import Store
from lexwatch.article import Article, article_id
from lexwatch.urls import canonical_url
from lexwatch.web.format import penalties_short
from lexwatch.web.params import Params

FACETS = {"country": "jurisdiction", "stage": "stage", "outlet": "outlet", "lang": "language"}


def article_summary(article: Article) -> dict[str, Any]:
    """The record plus what every surface shows about it in one line."""
    return dict(article.to_dict(), penalties_short=penalties_short(article.deepfake.get("penalties") or []))


def search_payload(store: Store, params: Params) -> dict[str, Any]:
    result = store.search(params.q, params.filters(), sort=params.sort, page=params.page, size=params.size)
    hits = [dict(article_summary(h.article), snippet=h.snippet) for h in result.hits]
    pages = max(1, -(-result.total // params.size))
    if params.group == "development":
        from lexwatch.web.tracker import development_groups
        development_groups(store, hits)
    return {"query": params.q, "filters": params.filters().to_dict(), "sort": params.sort, "group": params.group,
            "total": result.total, "page": params.page, "size": params.size, "pages": pages, "hits": hits}


def timeline_payload(store: Store, params: Params) -> dict[str, Any]:
    timeline = store.timeline(params.q, params.filters(), interval=params.interval, split=params.store_split)
    return {"query": params.q, "filters": params.filters().to_dict(), "interval": params.interval,
            "split": params.split, "buckets": timeline.buckets}


def facets_payload(store: Store, params: Params) -> dict[str, dict[str, int]]:
    """Article counts per value of each filter, counted with the other filters applied but not its own
    (so choosing AZ still shows how many KZ articles there are). Articles without a date are not counted:
    the counts come from Store.timeline, the only grouping the Store interface offers."""
    out: dict[str, dict[str, int]] = {}
    for name, split in FACETS.items():
        timeline = store.timeline(params.q, params.filters(without=name), interval="year", split=split)
        counts: dict[str, int] = {}
        for bucket in timeline.buckets:
            for key, n in bucket["counts"].items():
                if key == "none":   # no stage or language: not a value a filter can ask for
                    continue
                counts[key] = counts.get(key, 0) + n
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def article_payload(store: Store, article: Article) -> dict[str, Any]:
    """The record plus, for each other-language version, whether lexwatch holds it (then its id)."""
    versions = []
    for language, url in sorted((article.translations or {}).items()):
        try:
            other_id = article_id(canonical_url(url))
        except ValueError:
            other_id = None
        held = other_id is not None and other_id != article.id and store.get(other_id) is not None
        versions.append({"language": language, "url": url, "id": other_id if held else None})
    return dict(article_summary(article), versions=versions)
