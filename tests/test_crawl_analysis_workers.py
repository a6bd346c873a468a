"""A crawl whose analysis runs in two worker processes stores every article, and writes them in the
order the pages were fetched (captured to WARC), whichever worker finishes first."""
from __future__ import annotations

import json
import sqlite3

from lexwatch.bench.crawl import FAST
from lexwatch.crawler.replicas import start_replicas
from lexwatch.crawler.run import crawl
from lexwatch.crawler.warc import read_responses


def test_two_analysis_workers_store_every_article_in_fetch_order(tmp_path):
    store, warc = tmp_path / "crawl.db", tmp_path / "warc"
    with start_replicas(outlets=["kursiv"]) as replicas:
        stats = crawl(["kursiv"], store_url=f"sqlite:///{store}", base_urls=replicas.base_urls, warc_dir=str(warc),
                      settings={**FAST, "LEXWATCH_ANALYZE_WORKERS": 2})
        expected = replicas.expected_articles("kursiv")
    assert stats["stored"] == len(expected) > 10
    fetched = {}
    for n, record in enumerate(read_responses(warc)):
        fetched.setdefault(record.url, n)
    with sqlite3.connect(store) as db:
        written = [json.loads(doc)["url"] for (doc,) in db.execute("SELECT doc FROM articles ORDER BY rowid")]
    positions = [fetched[url] for url in written]
    assert positions == sorted(positions)
