"""`lexwatch watch` — keep polling the outlets and alert as news arrives (lexwatch/watch/, docs/watch.md)."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

HELP = ("poll every edition's feeds and news sitemaps every few minutes (conditional GET), crawl what is new, "
        "store it and send the due alert digests; runs until SIGTERM or Ctrl-C")


def register(sub, common):
    p = sub.add_parser("watch", parents=[common], help=HELP, description=HELP)
    p.add_argument("outlets", nargs="*", metavar="OUTLET", help="outlets to watch (default: all)")
    p.add_argument("--status", action="store_true", help="print per outlet and edition the last poll, its result, "
                   "new articles, errors and the next poll, then exit (reads a running watch's status file)")
    p.add_argument("--interval", type=float, default=600, metavar="SECONDS",
                   help="seconds between two polls of an outlet (default 600)")
    p.add_argument("--outlet-interval", action="append", default=[], metavar="OUTLET=SECONDS",
                   help="a different interval for one outlet (repeatable)")
    p.add_argument("--base-url", action="append", default=[], metavar="SITE=URL",
                   help="crawl a site at another base URL (a replica), as in lexwatch crawl")
    p.add_argument("--since", metavar="DATE", help="only articles published since (local day)")
    p.add_argument("--max-requests", type=int, default=300, metavar="N",
                   help="responses per outlet per poll at most (default 300); the rest waits for the next poll")
    p.add_argument("--log-file", metavar="FILE", help="log here instead of stderr (the crawls append to it too)")
    p.add_argument("--state", metavar="FILE", help="crawl state file (default: beside the store)")
    p.add_argument("--alerts-db", metavar="FILE", help="subscriptions file (as in lexwatch alerts)")
    p.add_argument("--smtp-config", metavar="FILE", help="TOML [smtp] table, as in lexwatch alerts run; "
                   "without it and without LEXWATCH_SMTP_HOST no digests are sent")
    p.add_argument("--link-base-url", default="http://127.0.0.1:8765", help="where lexwatch serve is reached, "
                   "for the digests' links")
    p.add_argument("--operator", default="", metavar="a@b.org[,…]",
                   help="told by mail (once) when a site fails several polls in a row")
    p.add_argument("--max-polls", type=int, help=argparse.SUPPRESS)   # stop after N polls (tests, bench)
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a crawl setting for every poll (as scrapy -s), e.g. DOWNLOAD_DELAY=2")
    p.set_defaults(func=run)


def _pairs(values: list[str], what: str) -> dict[str, str]:
    from lexwatch.cli import CliError
    out = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key or not rest:
            raise CliError(f"{what} {value!r}: expected NAME=VALUE")
        out[key.strip()] = rest.strip()
    return out


def run(args) -> int:
    import os
    from lexwatch.cli import CliError
    from lexwatch.crawler.run import check_outlets
    from lexwatch.crawler.state import state_path_for
    from lexwatch.index.store import resolve_store_url
    from lexwatch.watch.status import read_rows, status_path_for

    outlets = check_outlets(args.outlets or None)
    store_url = resolve_store_url(args.store)
    state = Path(args.state) if args.state else state_path_for(store_url)
    if args.status:
        rows = read_rows(status_path_for(state), outlets)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
            return 0
        print(f"{'outlet':10} {'edition':7} {'last poll':25} {'result':12} {'new':>4} {'errors':>6}  next poll")
        for r in rows:
            print(f"{r['outlet']:10} {r['edition']:7} {r['last_poll'] or '-':25} {r['result'] or '-':12} "
                  f"{r['new_articles']:>4} {r['errors']:>6}  {r['held_until'] or r['next_poll'] or '-'}")
        return 0
    intervals = {k: float(v) for k, v in _pairs(args.outlet_interval, "--outlet-interval").items()}
    unknown = set(intervals) - set(outlets)
    if unknown:
        raise CliError(f"--outlet-interval names outlet(s) not watched: {', '.join(sorted(unknown))}")
    if args.interval <= 0 or any(v <= 0 for v in intervals.values()):
        raise CliError("intervals must be positive numbers of seconds")
    settings = _pairs(args.set, "--set")
    from lexwatch.alerts.subscriptions import alerts_db_path
    from lexwatch.alerts.smtp import SmtpSettings
    smtp = None
    if args.smtp_config or os.environ.get("LEXWATCH_SMTP_HOST"):
        smtp = SmtpSettings.load(args.smtp_config)
    from lexwatch.index import open_store
    from lexwatch.index.store import StoreError
    try:
        with open_store(store_url) as store:
            store.count()   # reached, and our credentials taken, before the first poll rather than in a log
    except StoreError as exc:
        raise CliError(str(exc)) from None
    handler = logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    root = logging.getLogger("lexwatch")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    from lexwatch.urls import redact_url
    from lexwatch.watch.service import WatchConfig, Watcher
    operator = [a.strip() for a in args.operator.split(",") if a.strip()]
    if operator:
        from lexwatch.alerts.subscriptions import check_recipients
        operator = check_recipients(operator)
    config = WatchConfig(store_url=store_url, state_path=state, outlets=outlets, interval=args.interval,
                         intervals=intervals, base_urls=_pairs(args.base_url, "--base-url") or None,
                         since=args.since, settings=settings, max_requests=args.max_requests,
                         log_file=args.log_file, alerts_db=alerts_db_path(store_url, args.alerts_db), smtp=smtp,
                         link_base_url=args.link_base_url, operator=operator, max_polls=args.max_polls)
    logging.getLogger("lexwatch.watch").info(
        "watching %s every %.0f s into %s", ", ".join(outlets), args.interval, redact_url(store_url))
    return Watcher(config).run()
