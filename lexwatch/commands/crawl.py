"""`lexwatch crawl [OUTLET…]` — crawl the outlets' sites (or their replicas) into the store."""
from __future__ import annotations

import json
import os
import sys

from lexwatch.cli import CliError


def register(sub, common):
    from lexwatch.outlets import outlets
    names = ", ".join(outlets())
    sites = ", ".join(s.key for o in outlets().values() for s in o.sites)
    p = sub.add_parser("crawl", parents=[common], help="crawl outlets into the store",
                       description="Crawl the registry's outlets (default: all) through their sitemaps, "
                                   "feeds and listings, politely and incrementally: stored articles are not "
                                   "fetched again unless their sitemap says they changed. All outlets run "
                                   "together in one process; progress goes to stderr.")
    p.add_argument("outlets", nargs="*", metavar="OUTLET", help=f"{names} (default: all)")
    p.add_argument("--lang", help="editions to crawl, e.g. az,ru,en (kz or kk for Kazakh; default: all)")
    p.add_argument("--since", help="first publication day, YYYY-MM-DD (local time of the outlet)")
    p.add_argument("--until", help="last publication day, YYYY-MM-DD")
    p.add_argument("--base-url", action="append", default=[], metavar="SITE=URL",
                   help="crawl URL instead of the real site, e.g. SITE=http://127.0.0.1:8001 "
                        f"(sites: {sites}); repeatable")
    p.add_argument("--sources", help="subset of sitemaps,feeds,listings,archive (default: all)")
    p.add_argument("--jobdir", help="directory for pausable/resumable crawl state (one subdirectory per outlet)")
    p.add_argument("--warc-dir", help="where every fetched article response is kept as WARC "
                                      "(default: warc/ beside an SQLite store, ./data/warc otherwise)")
    p.add_argument("--no-warc", action="store_true", help="do not keep the raw responses")
    p.add_argument("--log-file", help="write Scrapy's log here instead of the terminal")
    p.add_argument("--frontier", metavar="redis://HOST:6379/0",
                   help="share the crawl frontier (queue, duplicate filter) in Redis with every other "
                        "crawler process given the same URL (default: LEXWATCH_FRONTIER; none)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a crawler setting, e.g. -s DOWNLOAD_DELAY=0 (see crawler/settings.py)")
    p.add_argument("--progress", type=float, default=5.0, metavar="SECONDS",
                   help="progress line interval (0: none; default 5)")
    p.set_defaults(func=run)


def parse_base_urls(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, url = item.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise CliError(f"--base-url wants SITE=http(s)://host[:port], not {item!r}")
        out[key.strip()] = url.strip()
    return out


def run(args):
    from lexwatch.crawler.run import CrawlError, crawl_in_process
    from lexwatch.index.store import resolve_store_url, store_directory

    settings = {"LOG_LEVEL": "INFO" if args.debug else "WARNING"}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"-s wants NAME=VALUE, not {item!r}")
        settings[name.strip()] = value
    if args.frontier:
        if not args.frontier.startswith(("redis://", "rediss://", "unix://")):
            raise CliError(f"--frontier wants redis://host:6379/0, not {args.frontier!r}")
        settings["LEXWATCH_FRONTIER"] = args.frontier
    frontier = args.frontier or os.environ.get("LEXWATCH_FRONTIER")
    if frontier:   # one line now rather than a traceback from inside the engine
        from lexwatch.crawler.frontier import check_frontier
        try:
            check_frontier(frontier)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    try:
        stats = crawl_in_process(
            args.outlets or None, args.lang, args.since, args.until, resolve_store_url(args.store),
            parse_base_urls(args.base_url), args.jobdir,
            None if args.no_warc else (args.warc_dir or str(store_directory(args.store) / "warc")),
            sources=args.sources.split(",") if args.sources else None, settings=settings,
            progress=0 if args.json else args.progress, log_file=args.log_file)
    except (CrawlError, ValueError) as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps(stats, indent=1, default=str))
        return 0
    print(f"{'outlet':10} {'pages':>6} {'stored':>7} {'updated':>8} {'errors':>7} {'pages/s':>8}")
    for name, o in stats["outlets"].items():
        print(f"{name:10} {o['pages_fetched']:6} {o['articles_stored']:7} {o['articles_updated']:8} "
              f"{o['errors']:7} {o['pages_per_second']:8}")
    t = stats["totals"]
    print(f"{'total':10} {t['pages_fetched']:6} {t['articles_stored']:7} {t['articles_updated']:8} "
          f"{t['errors']:7} {t['pages_per_second']:8}", file=sys.stdout)
    return 0
