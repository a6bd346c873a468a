"""Run the outlet spiders: in this process (`crawl_in_process`, what `lexwatch crawl` does) or in
a child process (`crawl`, for callers that cannot host Twisted's one-shot reactor: demo, bench,
tests). Both return the same stats dict.

    from lexwatch.crawler.run import crawl
    stats = crawl(None, langs=["az", "ru", "en"], since="2025-01-01",   # None: every outlet
                  store_url="sqlite:///data/lexwatch.db", base_urls=replicas.base_urls,
                  settings=REPLICA_SETTINGS)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lexwatch.crawler.dates import Window
from lexwatch.crawler.publishers import PUBLISHERS, normalize_langs

# For the local replicas only: every replica shares the host 127.0.0.1 (one Scrapy download slot),
# and the polite defaults would make a demo crawl take minutes.
REPLICA_SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                    "LOG_LEVEL": "WARNING"}


class CrawlError(RuntimeError):
    """A crawl could not run (bad arguments, unusable store, crashed child)."""


def build_settings(store_url: str | None, base_urls: dict[str, str] | None = None,
                   warc_dir: str | None = None, overrides: dict[str, Any] | None = None):
    from scrapy.settings import Settings
    from lexwatch.crawler.publishers import default_base_urls
    settings = Settings()
    settings.setmodule("lexwatch.crawler.settings", priority="project")
    if store_url:
        settings.set("LEXWATCH_STORE", store_url, priority="cmdline")
    settings.set("LEXWATCH_BASE_URLS", {**default_base_urls(), **(base_urls or {})}, priority="cmdline")
    if warc_dir:
        settings.set("LEXWATCH_WARC_DIR", str(warc_dir), priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    if settings.get("LEXWATCH_FRONTIER"):  # a frontier shared by many crawler processes, in Redis
        from lexwatch.crawler.frontier import apply_frontier
        apply_frontier(settings)
    return settings


def check_outlets(outlets: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(outlets or PUBLISHERS))
    unknown = [o for o in chosen if o not in PUBLISHERS]
    if unknown:
        raise CrawlError(f"unknown outlet(s) {', '.join(unknown)}; known: {', '.join(PUBLISHERS)}")
    return chosen


def summarize(stats: dict[str, Any], elapsed: float) -> dict[str, Any]:
    get = lambda key: int(stats.get(key, 0) or 0)  # noqa: E731
    pages = get("downloader/response_count")
    return {
        "pages_fetched": pages,
        "article_pages": get("lexwatch/article_pages"),
        "articles_stored": get("lexwatch/articles_created"),
        "articles_updated": get("lexwatch/articles_updated"),
        "articles_unchanged": get("lexwatch/articles_unchanged"),
        "unusable_pages": get("lexwatch/unusable_pages"),
        "outside_window": get("lexwatch/outside_window"),
        "errors": get("log_count/ERROR") + get("lexwatch/unusable_pages"),
        "not_modified": get("lexwatch/not_modified"),
        "retries": get("retry/count"),
        "robots_forbidden": get("robotstxt/forbidden"),
        "offsite_dropped": get("lexwatch/offsite_dropped") + get("lexwatch/skipped/offsite"),
        "pagination_stopped": get("lexwatch/pagination_stopped"),
        "skipped": {k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("lexwatch/skipped/")},
        "resumed": {k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("lexwatch/resumed/")},
        "warc_records": get("lexwatch/warc_records"),
        "spooled": get("lexwatch/spooled"),                 # articles the store could not take at once
        "spool_replayed": get("lexwatch/spool_replayed"),   # spooled articles the store took later
        "spool_left": get("lexwatch/spool_left"),           # still waiting for the store at the end
        "stored_by_edition": {k.split("/", 2)[2]: v for k, v in stats.items()
                              if k.startswith("lexwatch/stored_edition/")},
        "retry_after_until": stats.get("lexwatch/retry_after_until"),   # epoch s the site asked us to wait until
        "not_searchable": get("lexwatch/not_searchable"),
        "finish_reason": stats.get("finish_reason"),
        "elapsed_seconds": round(elapsed, 3),
        "crawl_seconds": round(float(stats.get("elapsed_time_seconds", 0) or 0), 3),  # spider open to close
        "pages_per_second": round(pages / elapsed, 2) if elapsed > 0 else 0.0,
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its reaped children (analysis workers, shut down by the time
    a crawl returns, are counted whole: their model loading too)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def track_cpu_from_open(crawlers) -> dict[str, float]:
    """{"first": CPU seconds when the first spider opened}, filled in once it has: the crawl's CPU
    from there on leaves out process start-up and the models' loading (done before spider_opened)."""
    from scrapy import signals
    marks: dict[str, float] = {}

    def opened(spider):
        marks.setdefault("first", cpu_seconds())
    for crawler in crawlers:
        crawler.signals.connect(opened, signal=signals.spider_opened, weak=False)
    return marks


def _totals(outlets: dict[str, dict[str, Any]], elapsed: float) -> dict[str, Any]:
    keys = ("pages_fetched", "article_pages", "articles_stored", "articles_updated", "articles_unchanged",
            "errors", "not_modified", "retries")
    totals: dict[str, Any] = {k: sum(o[k] for o in outlets.values()) for k in keys}
    totals["elapsed_seconds"] = round(elapsed, 3)
    totals["pages_per_second"] = round(totals["pages_fetched"] / elapsed, 2) if elapsed > 0 else 0.0
    return totals


def _progress_line(crawlers: dict[str, Any], started: float) -> str:
    elapsed = max(time.monotonic() - started, 1e-6)
    now = {name: summarize(c.stats.get_stats(), elapsed) for name, c in crawlers.items()}
    parts = [f"{name}: {o['pages_fetched']} pages, {o['articles_stored'] + o['articles_updated']} stored, "
             f"{o['errors']} errors" for name, o in now.items()]
    total = sum(o["pages_fetched"] for o in now.values())
    return f"[{elapsed:6.0f}s] " + " | ".join(parts) + f" | {total / elapsed:.1f} pages/s"


def crawl_in_process(outlets: list[str] | None = None, langs: list[str] | str | None = None,
                     since: str | None = None, until: str | None = None, store_url: str | None = None,
                     base_urls: dict[str, str] | None = None, jobdir: str | None = None,
                     warc_dir: str | None = None, *, sources: list[str] | None = None,
                     settings: dict[str, Any] | None = None, progress: float = 0,
                     log_file: str | None = None) -> dict[str, Any]:
    """Run the spiders of `outlets` together in one CrawlerProcess; blocks until all finish.
    Twisted's reactor cannot restart, so call this at most once per process."""
    from scrapy.crawler import CrawlerProcess
    from twisted.internet import task

    chosen = check_outlets(outlets)
    lang_list = normalize_langs(langs)
    try:  # refuse bad arguments here, in one line, not inside the engine
        Window(since, until, "+00:00")
    except ValueError as exc:
        raise CrawlError(f"bad date window: {exc}") from None
    if store_url:  # a foreign or damaged store file: one line now, not tracebacks from inside the engine
        from lexwatch.index.store import StoreError
        from lexwatch.index.factory import open_store
        try:
            open_store(store_url).close()
        except StoreError as exc:
            raise CrawlError(str(exc)) from None
    overrides = dict(settings or {})
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        overrides.update({"LOG_FILE": str(log_file), "LOG_LEVEL": overrides.get("LOG_LEVEL", "INFO")})
    process = CrawlerProcess(build_settings(store_url, base_urls, warc_dir, overrides))
    crawlers: dict[str, Any] = {}
    for outlet in chosen:
        offered = [x for x in (lang_list or []) if x in PUBLISHERS[outlet].languages]
        if lang_list and not offered:
            continue  # none of the asked languages is published by this outlet
        crawler = process.create_crawler(outlet)
        if jobdir:  # Scrapy keeps one queue per spider, so each outlet gets its own JOBDIR
            crawler.settings.set("JOBDIR", str(Path(jobdir) / outlet), priority="cmdline")
        process.crawl(crawler, lang=",".join(offered) or None, since=since, until=until,
                      sources=",".join(sources) if sources else None)
        crawlers[outlet] = crawler
    cpu_at_open = track_cpu_from_open(crawlers.values())
    if not crawlers:
        raise CrawlError(f"no outlet among {', '.join(chosen)} publishes in {', '.join(lang_list or [])}")
    started = time.monotonic()
    if progress:
        loop = task.LoopingCall(lambda: print(_progress_line(crawlers, started), file=sys.stderr, flush=True))
        loop.start(progress, now=False)
    process.start()
    cpu = cpu_seconds() - cpu_at_open["first"] if "first" in cpu_at_open else 0.0
    elapsed = time.monotonic() - started
    if progress:
        print(_progress_line(crawlers, started), file=sys.stderr, flush=True)
    per_outlet = {name: summarize(c.stats.get_stats(), elapsed) for name, c in crawlers.items()}
    if process.bootstrap_failed or any(o["finish_reason"] is None for o in per_outlet.values()):
        raise CrawlError("a spider failed to start; see the log above")
    totals = _totals(per_outlet, elapsed)
    totals["cpu_seconds"] = round(cpu, 3)
    return {"outlets": per_outlet, "totals": totals, "pages": totals["pages_fetched"],
            "stored": totals["articles_stored"], "updated": totals["articles_updated"], "errors": totals["errors"]}


def crawl_command(outlets: list[str] | None = None, langs: list[str] | str | None = None,
                  since: str | None = None, until: str | None = None, store_url: str | None = None,
                  base_urls: dict[str, str] | None = None, jobdir: str | None = None,
                  warc_dir: str | None = None, *, sources: list[str] | None = None,
                  settings: dict[str, Any] | None = None, progress: float = 0,
                  log_file: str | None = None, result_path: str | None = None) -> list[str]:
    """The command line of a child crawl (for callers that start and watch it themselves)."""
    spec = {"outlets": outlets, "langs": langs, "since": since, "until": until, "store_url": store_url,
            "base_urls": base_urls, "jobdir": jobdir, "warc_dir": warc_dir, "sources": sources,
            "settings": settings, "progress": progress, "log_file": log_file}
    command = [sys.executable, "-m", "lexwatch.crawler.run", json.dumps(spec)]
    return command + (["--result", result_path] if result_path else [])


def child_env() -> dict[str, str]:
    """This environment, with the project importable whatever the caller's working directory: the
    folder holding the lexwatch package (the checkout, or site-packages when installed)."""
    import lexwatch
    env = dict(os.environ)
    root = str(Path(lexwatch.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def crawl(outlets: list[str] | None = None, langs: list[str] | str | None = None,
          since: str | None = None, until: str | None = None, store_url: str | None = None,
          base_urls: dict[str, str] | None = None, jobdir: str | None = None,
          warc_dir: str | None = None, *, sources: list[str] | None = None,
          settings: dict[str, Any] | None = None, progress: float = 0,
          log_file: str | None = None, timeout: float | None = None) -> dict[str, Any]:
    """Crawl in a child process and return its stats: {"outlets": {name: {...}}, "totals": {...},
    "pages", "stored", "updated", "errors"} (the last four are the totals, for quick display)."""
    check_outlets(outlets)
    with tempfile.TemporaryDirectory(prefix="lexwatch-crawl-") as tmp:
        result = Path(tmp) / "stats.json"
        command = crawl_command(outlets, langs, since, until, store_url, base_urls, jobdir, warc_dir,
                                sources=sources, settings=settings, progress=progress, log_file=log_file,
                                result_path=str(result))
        done = subprocess.run(command, timeout=timeout, env=child_env())
        if done.returncode != 0 or not result.exists():
            raise CrawlError(f"crawl process failed with exit status {done.returncode}")
        return json.loads(result.read_text())


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    result_path = None
    if "--result" in args:
        i = args.index("--result")
        result_path = args[i + 1]
        del args[i:i + 2]
    spec = json.loads(args[0])
    stats = crawl_in_process(**spec)
    if result_path:
        Path(result_path).write_text(json.dumps(stats, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
