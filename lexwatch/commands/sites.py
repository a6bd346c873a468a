"""`lexwatch sites list` and `lexwatch sites check [OUTLET…]`: the outlet registry, and a daily
health check of each outlet against it (lexwatch/sitecheck.py)."""
from __future__ import annotations

import sys
from datetime import date
from email.message import EmailMessage

from lexwatch.cli import CliError


def register(sub, common):
    p = sub.add_parser("sites", help="the outlet registry and its health check",
                       description="List the registry's outlets, or check that each one still looks the way "
                                   "its registry file (lexwatch/outlets/NAME.toml) says.")
    actions = p.add_subparsers(dest="sites_command", metavar="ACTION", required=True)
    ls = actions.add_parser("list", parents=[common], help="the outlets, their sites, editions and zones")
    ls.set_defaults(func=run_list)
    c = actions.add_parser("check", parents=[common], help="robots.txt, feeds, sitemaps, listings and the newest "
                           "articles of each edition; exit 1 on any drift",
                           description="Per edition: robots.txt readable; each feed and sitemap fetched and "
                                       "parsed, with article links of the registry's shape from the last days; "
                                       "the first listing page's selectors find items with links and dates; the "
                                       "newest three articles fetched (URL shape, title, a date and its source, "
                                       "body length, the edition's language, no teaser text). One line per check, "
                                       "ok or DRIFT; exit status 1 when anything drifted.")
    c.add_argument("outlets", nargs="*", metavar="OUTLET", help="outlets to check (default: all)")
    c.add_argument("--base-url", action="append", default=[], metavar="SITE=URL",
                   help="check URL instead of the real site (a replica), e.g. report=http://127.0.0.1:8001; repeatable")
    c.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                   help="least time between two requests to one site (default 1.0: polite to live sites)")
    c.add_argument("--max-requests", type=int, default=30, help="requests per outlet at most (default 30)")
    c.add_argument("--max-age-days", type=int, default=3,
                   help="feeds and sitemaps must hold items this recent (default 3)")
    c.add_argument("--today", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="the day recency is judged from (default: today in the outlet's zone)")
    c.add_argument("--mail-to", metavar="ADDRESS[,ADDRESS]",
                   help="mail the report to the operator when something drifted (SMTP as for alerts)")
    c.add_argument("--smtp-config", metavar="FILE", help="TOML file with an [smtp] table; LEXWATCH_SMTP_* override it")
    c.set_defaults(func=run_check)


def run_list(args) -> int:
    from lexwatch.outlets import outlets
    for outlet in outlets().values():
        print(f"{outlet.name:<12} {outlet.country}  UTC{outlet.utc_offset}  {outlet.title}")
        for site in outlet.sites:
            editions = ", ".join(f"{e.lang}{' ' + e.prefix if e.prefix else ''}" for e in site.editions)
            print(f"  {site.key:<14} {site.base_url}  ({editions})")
    return 0


def run_check(args) -> int:
    from lexwatch.commands.crawl import parse_base_urls
    from lexwatch.sitecheck import as_json, check_sites

    if args.interval < 0 or args.max_requests < 1:
        raise CliError("--interval must be >= 0 and --max-requests >= 1")
    try:
        checks = check_sites(args.outlets or None, parse_base_urls(args.base_url), today=args.today,
                             interval=args.interval, max_requests=args.max_requests, max_age_days=args.max_age_days)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    drift = [c for c in checks if c.status == "drift"]
    print(as_json(checks) if args.json else "\n".join(c.line() for c in checks))
    if not args.json:
        print(f"{len(checks) - len(drift)} of {len(checks)} checks without drift", file=sys.stderr)
    if drift and args.mail_to:
        _mail(args, checks, drift)
    return 1 if drift else 0


def _mail(args, checks, drift) -> None:
    from lexwatch.alerts.smtp import SmtpSettings, send
    settings = SmtpSettings.load(args.smtp_config)
    message = EmailMessage()
    outlets = sorted({c.outlet for c in drift})
    message["Subject"] = f"lexwatch sites check: {len(drift)} drift(s) in {', '.join(outlets)}"
    message["From"] = settings.sender
    message["To"] = args.mail_to
    message.set_content("What drifted:\n\n" + "\n".join(c.line() + (f"\n    {c.url}" if c.url else "") for c in drift)
                        + "\n\nEvery check:\n\n" + "\n".join(c.line() for c in checks) + "\n")
    send(settings, message, [a.strip() for a in args.mail_to.split(",") if a.strip()])
    print(f"report mailed to {args.mail_to}", file=sys.stderr)
