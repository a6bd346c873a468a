"""`lexwatch alerts add|list|remove|run` — saved searches e-mailed as a daily digest (lexwatch/alerts/)."""
from __future__ import annotations

import argparse
import json
import sys

from lexwatch.commands.filters import add_filter_options, filters_from_args

RUN_HELP = ("send each subscription one digest of the articles that newly match since its last sent digest "
            "(exit status 1 when any subscription failed or had a recipient refused)")


def register(sub, common):
    p = sub.add_parser("alerts", help="daily e-mail digests of saved searches",
                       description="Saved searches e-mailed as digests. Subscriptions live in alerts.db beside "
                                   "an SQLite store (or --alerts-db / LEXWATCH_ALERTS_DB).")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    place = argparse.ArgumentParser(add_help=False)
    place.add_argument("--alerts-db", metavar="FILE", help="the subscriptions file (default: alerts.db beside "
                       "the SQLite store, ./data/alerts.db for Elasticsearch; env LEXWATCH_ALERTS_DB)")

    # --to names the recipients here (as analysts expect of an e-mail); the filters' --to
    # (published on or before) is offered as --until instead.
    add = actions.add_parser("add", parents=[common, place], conflict_handler="resolve",
                             help="save a search to be e-mailed")
    add.add_argument("name", metavar="NAME", help="letters, digits, '.', '_', '-'")
    add.add_argument("--query", default="", metavar="Q", help="query, as in lexwatch search (default: everything)")
    add_filter_options(add)
    add.add_argument("--until", dest="date_to", metavar="DATE", help="published on or before (inclusive)")
    add.add_argument("--to", dest="recipients", required=True, metavar="a@b.org[,…]", help="recipient address(es)")
    add.add_argument("--lang-of-digest", choices=("en", "ru", "az"), default="en",
                     help="language of the digest's headings and penalty text (default en)")
    add.add_argument("--frequency", choices=("as-it-happens", "daily", "weekly"), default="daily",
                     help="as-it-happens: after every poll of lexwatch watch; daily/weekly: at --at local time "
                          "(default daily; `lexwatch alerts run` sends whatever is new whenever it is run)")
    add.add_argument("--at", default="08:00", metavar="HH:MM", help="local time of a daily or weekly digest (08:00)")
    add.add_argument("--weekday", default="mon", choices=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
                     help="day of a weekly digest (mon)")
    add.add_argument("--tz", default="UTC", metavar="ZONE", help="time zone of --at, e.g. Asia/Baku (UTC)")
    add.add_argument("--stage-changes-only", action="store_true",
                     help="only new stages of laws (new developments on named instruments), of the --country "
                          "chosen and, with --instrument, of these instruments")
    add.add_argument("--instrument", action="append", default=[], metavar="NAME",
                     help="with --stage-changes-only: an instrument key or its name in any language; repeatable")
    add.set_defaults(func=run_add)

    listing = actions.add_parser("list", parents=[common, place], help="show subscriptions and their last send")
    listing.set_defaults(func=run_list)

    remove = actions.add_parser("remove", parents=[common, place], help="delete a subscription")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(func=run_remove)

    go = actions.add_parser("run", parents=[common, place], help=RUN_HELP, description=RUN_HELP)
    go.add_argument("names", nargs="*", metavar="NAME", help="only these subscriptions (default: all)")
    go.add_argument("--dry-run", metavar="DIR", help="write each digest as DIR/NAME-TIME.eml; send and mark nothing")
    go.add_argument("--since", metavar="ISO", help="look at articles fetched since then (a backfill: what was "
                    "already sent is still not resent); default: since the last digest, or the subscription's "
                    "creation")
    go.add_argument("--send-empty", action="store_true", help="send a digest even when nothing matched")
    go.add_argument("--base-url", default="http://127.0.0.1:8765", help="where lexwatch serve is reached, for "
                    "the article links (default http://127.0.0.1:8765)")
    go.add_argument("--smtp-config", metavar="FILE", help="TOML file with an [smtp] table (host, port, tls, user, "
                    "password, from, cafile); LEXWATCH_SMTP_* variables override it")
    go.set_defaults(func=run_run)


def _book(args):
    from lexwatch.alerts import SubscriptionBook, alerts_db_path
    return SubscriptionBook(alerts_db_path(args.store, args.alerts_db))


def run_add(args) -> int:
    from lexwatch.alerts import AlertsError, Subscription
    from lexwatch.alerts.subscriptions import check_recipients

    from datetime import datetime, timezone
    from lexwatch.alerts.schedule import Schedule, ScheduleBook

    schedule = Schedule(args.frequency, args.at, args.weekday, args.tz)
    slot = schedule.latest_slot(datetime.now(timezone.utc))   # the first digest goes at the next slot
    schedule.handled_slot = slot.astimezone(timezone.utc).isoformat() if slot else None
    from lexwatch.developments.tracks import resolve_instrument

    filters = filters_from_args(args)
    if args.instrument and not args.stage_changes_only:
        raise AlertsError("--instrument goes with --stage-changes-only")
    sub = Subscription(name=args.name, query=args.query, filters=filters,
                       recipients=check_recipients(args.recipients.split(",")), digest_language=args.lang_of_digest,
                       stage_changes_only=args.stage_changes_only,
                       instruments=[resolve_instrument(i) for i in args.instrument])
    if args.query:
        from lexwatch.index.query import parse_query
        parse_query(args.query)   # a query error shows now, not at tomorrow's run
    with _book(args) as book:
        book.add(sub)
        ScheduleBook(book.db).set(sub.name, schedule)
        print(json.dumps({**sub.to_dict(), "frequency": schedule.describe()}, ensure_ascii=False) if args.json else
              f"added {sub.name}: digests {schedule.describe()} to {', '.join(sub.recipients)} of articles "
              f"fetched from {sub.created_at}")
    return 0


def run_list(args) -> int:
    from lexwatch.alerts.schedule import ScheduleBook
    with _book(args) as book:
        subs = book.all()
        schedules = {s.name: ScheduleBook(book.db).get(s.name).describe() for s in subs}
    if args.json:
        print(json.dumps([{**s.to_dict(), "frequency": schedules[s.name]} for s in subs], ensure_ascii=False, indent=1))
        return 0
    if not subs:
        print("no subscriptions (add one with: lexwatch alerts add NAME --query Q --to you@example.org)")
    from lexwatch.alerts.subscriptions import describe_filters
    for s in subs:
        print(f"{s.name}  [{s.digest_language}]  query={s.query!r} {describe_filters(s.filters, ' ')}".rstrip())
        print(f"  {schedules[s.name]} to {', '.join(s.recipients)}; last sent {s.last_sent_at or 'never'}")
    return 0


def run_remove(args) -> int:
    from lexwatch.alerts import AlertsError
    with _book(args) as book:
        if not book.remove(args.name):
            raise AlertsError(f"no subscription named {args.name!r}")
    print(f"removed {args.name}")
    return 0


def run_run(args) -> int:
    from lexwatch.index import open_store
    from lexwatch.alerts import SmtpSettings, run_alerts
    from lexwatch.alerts.subscriptions import instant

    if args.since:
        instant(args.since)   # a malformed --since fails before anything is sent
    smtp = None if args.dry_run else SmtpSettings.load(args.smtp_config)
    with _book(args) as book, open_store(args.store) as store:
        outcomes = run_alerts(store, book, smtp, since=args.since, send_empty=args.send_empty,
                              dry_run_dir=args.dry_run, base_url=args.base_url, names=args.names or None)
    if args.json:
        print(json.dumps([o.to_dict() for o in outcomes], ensure_ascii=False, indent=1))
    for o in outcomes:
        line = f"{o.subscription}: {o.status}"
        if o.articles or o.status in ("sent", "written"):
            line += f", {o.articles} article(s)" + (f" (+{o.held_back} next time)" if o.held_back else "")
        if o.detail:
            line += f" {o.detail}" if o.status != "failed" else f": {o.detail}"
        if not args.json or o.failed:
            print(line, file=sys.stderr if o.failed else sys.stdout)
    return 1 if any(o.failed for o in outcomes) else 0
