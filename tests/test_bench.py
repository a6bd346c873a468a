"""`lexwatch bench` machinery on tiny sizes: it runs, writes the table and the JSON. No timing is
asserted anywhere: speed lives in the benchmark's own output (BENCHMARKS.md)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lexwatch.bench import replica_day
from lexwatch.bench.bigsite import serve_site
from lexwatch.bench.synthetic import synthetic_articles


def test_bench_writes_the_table_and_json_on_tiny_sizes(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    done = subprocess.run([sys.executable, "-m", "lexwatch.cli", "bench", "--quick", "--articles", "150",
                           "--crawl-pages", "20", "--stages", "index,search,memory", "--es", "",
                           "--out", str(out), "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    table = out.read_text(encoding="utf-8")
    assert "| stage | scale | lexwatch | baseline | unit | ratio | goal | meets goal | note |" in table
    for stage in ("index (embedded)", "index (Elasticsearch)", "search p95", "timeline p95",
                  "memory: export peak RSS", "memory: crawl RSS growth"):
        assert f"| {stage}" in table
    result = json.loads(done.stdout)
    rows = {r["stage"]: r for r in result["rows"]}
    assert rows["index (embedded)"]["ratio"] > 0 and rows["index (embedded)"]["meets"] in (True, False)
    assert rows["index (Elasticsearch)"]["meets"] is None   # no ES given: shown as not run
    assert rows["memory: export peak RSS"]["lexwatch"] > 0 and "150 articles" in rows["memory: export peak RSS"]["scale"]
    assert result["meta"]["sizes"]["articles"] == 150
    assert result["meta"]["command"] == "lexwatch bench --quick --stages index,search,memory"


def test_synthetic_corpus_is_reproducible_from_its_seed():
    first = [a.to_dict() for a in synthetic_articles(20, seed=9)]
    assert first == [a.to_dict() for a in synthetic_articles(20, seed=9)]
    assert first != [a.to_dict() for a in synthetic_articles(20, seed=10)]
    assert {a["language"] for a in first} == {"ru", "az", "en"}


def test_generated_replica_day_adds_new_pages_to_every_outlet(tmp_path):
    root = replica_day.build(tmp_path, articles=25, seed=1)
    new = {}
    for outlet in {unit.outlet for unit in replica_day.rotation()}:
        manifest = json.loads((root / outlet / "manifest.json").read_text(encoding="utf-8"))
        new[outlet] = [e for e in manifest if e["day"] == replica_day.DAY]
        routes = json.loads((root / outlet / "routes.json").read_text(encoding="utf-8"))
        for site_routes in routes.values():
            day3 = site_routes[str(replica_day.DAY)]
            assert "/robots.txt" in day3 and all(e["path"] in routes[e["site"]][str(replica_day.DAY)]
                                                 for e in new[outlet] if e["site"] in routes)
    assert sum(len(v) for v in new.values()) >= 25 and all(new.values())


def test_generated_site_serves_sitemaps_and_articles():
    import urllib.request
    with serve_site(articles=30) as site:
        base = site.base_urls["kursiv"]
        index = urllib.request.urlopen(base + "/sitemaps/en/sitemap.xml").read().decode()
        child = index.split("<loc>")[1].split("</loc>")[0]
        urlset = urllib.request.urlopen(base + child).read().decode()
        article = urlset.split("<loc>")[1].split("</loc>")[0]
        page = urllib.request.urlopen(base + article).read().decode()
    assert '<html lang="en">' in page and "<article>" in page


@pytest.mark.es
def test_search_only_bench_fills_both_stores_without_baselines(tmp_path, es_url):
    """`--stages search` compares search and timeline latency only: no index baselines are written,
    and Elasticsearch is timed after its merges settle (the wait is in the search row's note)."""
    from lexwatch.bench import stores
    figures = stores.bench_stores(120, tmp_path, es_url, baselines=False)
    assert figures["index_embedded"]["baseline"] is None and figures["index_es"]["baseline"] is None
    assert not (tmp_path / "baseline.db").exists()
    assert figures["es_merge_wait_s"] >= 3.0   # three quiet polls, one second apart
    for kind in ("embedded_search", "embedded_timeline", "es_search", "es_timeline"):
        assert 0 < figures[kind]["p50_ms"] <= figures[kind]["p95_ms"]


def test_crawl_bench_reports_both_sides_cpu_and_the_worker_alternative():
    """The crawl row's machinery on one outlet: the full pipeline stores every article page the bare
    crawl fetched, and the note carries the CPU per article of both sides and the worker-pool run."""
    from lexwatch.bench.crawl import bench_crawl
    m = bench_crawl(["kursiv"], workers=0, alternative=1)
    assert m["lexwatch"] > 0 and m["baseline"] > 0 and m["unit"] == "articles/s"
    assert "analysis workers 0" in m["note"] and "with 1 analysis worker:" in m["note"]
    assert m["note"].count("ms CPU an article") == 2


def test_a_big_generated_day_keeps_every_story_within_the_day():
    """Stories are five minutes apart from 08:00; past 16 hours of them the clock wraps (it used to
    write hour 24 and the replica build failed)."""
    import random
    from datetime import datetime
    rng = random.Random(1)
    for number in (0, 191, 192, 500):
        story = replica_day._story(rng, number, replica_day.Unit("report", None, ("az",), ("finance",), ()))
        published = next(line for line in story.splitlines() if line.startswith("published"))
        assert datetime.fromisoformat(published.split('"')[1]).date().isoformat() == replica_day.DATE
