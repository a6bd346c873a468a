"""Crawl throughput: the whole lexwatch pipeline vs a bare Scrapy crawl of the same pages.

`bench_crawl()` serves the replicas, crawls them once to learn the page set (and to spend the
replica's one-off 503), then times, in the same run: a bare Scrapy spider fetching exactly those
pages with no pipeline and no lexwatch middleware, and the full lexwatch crawl (discovery, WARC,
analysis, store) into a fresh store. Both use the same concurrency and no throttling; times are
Scrapy's own (spider open to close), so process start-up and model loading are not counted; the
bare crawl, under a second, is run three times and its median kept.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import scrapy

from lexwatch.crawler.run import REPLICA_SETTINGS

FAST = {**REPLICA_SETTINGS, "CONCURRENT_REQUESTS": 16, "LEXWATCH_RETRY_AFTER_MAX": 5}


class BareSpider(scrapy.Spider):
    """Fetches a fixed list of URLs and keeps nothing: the baseline."""
    name = "bare"

    def __init__(self, urls: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_urls = urls

    def parse(self, response):
        return None


def _bare_main(urls_file: str, result_file: str) -> None:
    from scrapy.crawler import CrawlerProcess

    from lexwatch.crawler.run import cpu_seconds, track_cpu_from_open
    urls = json.loads(Path(urls_file).read_text())
    process = CrawlerProcess({**FAST, "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False})
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls)
    cpu_at_open = track_cpu_from_open([crawler])
    process.start()
    cpu = cpu_seconds() - cpu_at_open["first"]
    stats = crawler.stats.get_stats()
    Path(result_file).write_text(json.dumps({
        "pages": stats.get("downloader/response_count", 0),
        "seconds": stats["elapsed_time_seconds"], "cpu_seconds": cpu}))


def _bare_crawl(urls: list[str], work: Path) -> dict[str, Any]:
    from lexwatch.crawler.run import child_env
    (work / "urls.json").write_text(json.dumps(urls))
    subprocess.run([sys.executable, "-m", "lexwatch.bench.crawl", str(work / "urls.json"), str(work / "bare.json")],
                   check=True, env=child_env())
    return json.loads((work / "bare.json").read_text())


def bench_crawl(outlets: list[str] | None = None, workers: int = 0, alternative: int | None = 1) -> dict[str, Any]:
    """`workers`: LEXWATCH_ANALYZE_WORKERS for the full crawl (0, the default: analysis in the crawl
    process); `alternative`: a second full crawl with that many workers, reported in the note. CPU
    seconds per article of both sides are in the note too: on two cores they decide the ratio."""
    from lexwatch.crawler.replicas import start_replicas
    from lexwatch.crawler.run import crawl

    with tempfile.TemporaryDirectory(prefix="lexwatch-bench-") as tmp, start_replicas(outlets=outlets) as replicas:
        work = Path(tmp)
        crawl(outlets, store_url=f"sqlite:///{work}/warmup.db", base_urls=replicas.base_urls, settings=FAST)
        fetched = [h for h in replicas.hits() if h.status == 200 and not h.path.startswith("/robots.txt")]
        urls = [replicas.base_urls[h.site] + h.path for h in fetched]
        articles = {e["url"] for e in replicas.manifest()}
        article_urls = [u for u in urls if u in articles]
        runs = sorted((_bare_crawl(urls, work) for _ in range(3)), key=lambda r: r["seconds"])
        bare = runs[1]   # the median: a sub-second crawl is noisy
        full_runs = {}
        for n in (workers, alternative) if alternative is not None else (workers,):
            full_runs[n] = crawl(outlets, store_url=f"sqlite:///{work}/bench-{n}.db", base_urls=replicas.base_urls,
                                 warc_dir=str(work / f"warc-{n}"), settings={**FAST, "LEXWATCH_ANALYZE_WORKERS": n})
    full = full_runs[workers]
    seconds = max(o["crawl_seconds"] for o in full["outlets"].values())
    stored = full["totals"]["articles_stored"]
    baseline = len(article_urls) / bare["seconds"]
    note = (f"{len(urls)} pages, {len(article_urls)} articles, analysis workers {workers}; full pipeline {seconds:.1f} s "
            f"({full['totals']['pages_fetched']} pages, {1000 * full['totals']['cpu_seconds'] / stored:.0f} ms CPU an "
            f"article), bare Scrapy {bare['seconds']:.1f} s ({bare['pages']} pages, "
            f"{1000 * bare['cpu_seconds'] / len(article_urls):.0f} ms CPU an article)")
    if alternative is not None and alternative != workers:
        other = full_runs[alternative]
        other_s = max(o["crawl_seconds"] for o in other["outlets"].values())
        rate = other["totals"]["articles_stored"] / other_s
        note += (f"; with {alternative} analysis worker{'s' if alternative > 1 else ''}: {rate:.0f} articles/s "
                 f"(ratio {rate / baseline:.2f})")
    return {"lexwatch": round(stored / seconds, 2), "baseline": round(baseline, 2), "unit": "articles/s", "note": note}


def bench_recrawl(articles: int = 100, seed: int = 5) -> dict[str, Any]:
    """HTTP requests per new or updated article when the replicas, crawled once, publish a new day:
    the replicas' own day 2 (14 new, 3 updated pages) and a generated day 3 with about `articles`
    new pages across every edition (lexwatch.bench.replica_day). Every request the sites answered
    counts, robots.txt included."""
    from lexwatch.crawler.replicas import start_replicas
    from lexwatch.crawler.run import crawl
    from lexwatch.bench import replica_day

    days: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="lexwatch-bench-") as tmp:
        root = replica_day.build(tmp, articles=articles, seed=seed)
        with start_replicas(root=root) as replicas:
            store_url = f"sqlite:///{tmp}/recrawl.db"
            for day in (1, 2, replica_day.DAY):
                replicas.publish_day(day)
                replicas.reset()
                # the outlets replicated (never a real site of an outlet without a replica here)
                stats = crawl(replicas.outlets, store_url=store_url, base_urls=replicas.base_urls, settings=FAST)
                hits = replicas.hits()
                fetched = stats["totals"]["articles_stored"] + stats["totals"]["articles_updated"]
                days[day] = {"requests": len(hits), "articles": fetched,
                             "new_pages": sum(1 for e in replicas.manifest() if e["day"] == day),
                             "not_modified": sum(1 for h in hits if h.status == 304),
                             "per_article": round(len(hits) / fetched, 2) if fetched else None}
    return {"day2": days[2], "generated": days[replica_day.DAY], "first": days[1]}


def _memory_main(base_urls_file: str, work: str, result_file: str) -> None:
    """In a fresh process: load the models, note the resident set, crawl, note its peak."""
    from lexwatch.bench.bigsite import LANGS, OUTLET
    from lexwatch.crawler.pipelines.analyze import warm_up
    from lexwatch.crawler.run import crawl_in_process
    from lexwatch.export.memory import _peak_mb, _reset_peak, _status_mb
    from lexwatch.nlp.morph import lemma_text

    warm_up(list(LANGS), "http://127.0.0.1/warm-up", OUTLET)
    lemma_text("штрафы fines", "ru")
    exact = _reset_peak()
    start = (_status_mb("VmRSS") if exact else None) or _peak_mb()
    stats = crawl_in_process([OUTLET], store_url=f"sqlite:///{work}/memory.db",
                             base_urls=json.loads(Path(base_urls_file).read_text()), warc_dir=f"{work}/warc",
                             # analysis in this process: the row is one process's growth, analysis included
                             settings={**FAST, "LEXWATCH_ANALYZE_WORKERS": 0})
    peak = (_status_mb("VmHWM") if exact else None) or _peak_mb()
    Path(result_file).write_text(json.dumps({
        "pages": stats["totals"]["pages_fetched"], "articles": stats["totals"]["articles_stored"],
        "seconds": max(o["crawl_seconds"] for o in stats["outlets"].values()),
        "start_mb": round(start, 1), "peak_mb": round(peak, 1), "growth_mb": round(peak - start, 1)}))


def bench_crawl_memory(pages: int = 10_000) -> dict[str, Any]:
    """Resident-set growth of a crawl of `pages` pages of a generated site (lexwatch.bench.bigsite)
    through the whole pipeline into a fresh store, measured from after the models are loaded."""
    from lexwatch.crawler.run import child_env
    from lexwatch.bench.bigsite import serve_site

    with tempfile.TemporaryDirectory(prefix="lexwatch-bench-") as tmp, serve_site(articles=pages) as site:
        work = Path(tmp)
        (work / "base_urls.json").write_text(json.dumps(site.base_urls))
        subprocess.run([sys.executable, "-m", "lexwatch.bench.crawl", "--memory", str(work / "base_urls.json"), tmp,
                        str(work / "memory.json")], check=True, env=child_env())
        return json.loads((work / "memory.json").read_text())


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--memory":
        _memory_main(*sys.argv[2:5])
    elif len(sys.argv) == 3:
        _bare_main(sys.argv[1], sys.argv[2])
    else:
        print(json.dumps(bench_crawl(sys.argv[1:] or None), indent=1))
