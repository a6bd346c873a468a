"""`lexwatch dashboards` — Kibana saved objects for the Elasticsearch index (see docs/kibana.md).

    export   regenerate dashboards/lexwatch.ndjson from dashboards/spec.py
    import   post it to Kibana (--kibana URL [--space]; credentials from LEXWATCH_KIBANA_* or LEXWATCH_CONFIG)
    check    prove the objects against Elasticsearch (--store http://127.0.0.1:9200)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def register(sub, common):
    p = sub.add_parser("dashboards", help="Kibana dashboards: export, import, check",
                       description="Kibana saved objects (data view, saved search, visualizations, dashboard).")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    from lexwatch.dashboards.build import NDJSON_PATH

    export = actions.add_parser("export", parents=[common], help="regenerate the NDJSON file from code")
    export.add_argument("--out", type=Path, default=NDJSON_PATH, help=f"where to write (default {NDJSON_PATH})")

    imp = actions.add_parser("import", parents=[common], help="import the NDJSON into Kibana (overwriting)")
    imp.add_argument("--kibana", required=True, metavar="URL", help="Kibana's base URL, e.g. http://localhost:5601")
    imp.add_argument("--space", help="Kibana space id (default: the default space)")
    imp.add_argument("--api-key", help="API key, base64 id:key as Kibana shows it; better in the environment "
                     "(LEXWATCH_KIBANA_API_KEY) or LEXWATCH_CONFIG's [kibana] table: other users see arguments")
    imp.add_argument("--user", help="USER[:PASSWORD] for basic authentication; better LEXWATCH_KIBANA_USER and "
                     "LEXWATCH_KIBANA_PASSWORD (or user:password@ in the URL, or LEXWATCH_CONFIG)")
    imp.add_argument("--ca-certs", metavar="PEM", help="CA file for Kibana's certificate (env LEXWATCH_KIBANA_CA_CERTS)")
    imp.add_argument("--file", type=Path, default=NDJSON_PATH, help="NDJSON to import (default: lexwatch's)")
    imp.add_argument("--insecure", action="store_true", help="do not verify Kibana's TLS certificate (warns on "
                     "every run; env LEXWATCH_KIBANA_INSECURE=1)")

    chk = actions.add_parser("check", parents=[common], help="prove fields and queries on Elasticsearch")
    chk.add_argument("--file", type=Path, default=NDJSON_PATH, help="NDJSON to check (default: lexwatch's)")
    for parser in (export, imp, chk):
        parser.set_defaults(func=run)


def run(args):
    from lexwatch.cli import CliError
    from lexwatch.dashboards.build import NDJSON_PATH
    if args.action == "export":
        from lexwatch.dashboards import developments
        from lexwatch.dashboards.build import export
        print(f"wrote {export(args.out)}")
        if args.out == NDJSON_PATH:   # the developments objects live beside the articles' ones
            print(f"wrote {developments.export()}")
        return 0
    if args.action == "import":
        from lexwatch.dashboards.importer import ImportError_, import_objects
        if args.api_key or (args.user and ":" in args.user):
            print("lexwatch dashboards: warning: a secret given as an argument is visible to other users of this "
                  "machine; use LEXWATCH_KIBANA_API_KEY / LEXWATCH_KIBANA_PASSWORD or LEXWATCH_CONFIG", file=sys.stderr)
        try:
            outcome = import_objects(args.kibana, args.file, space=args.space, api_key=args.api_key,
                                     user=args.user, verify_tls=not args.insecure, ca_certs=args.ca_certs)
        except ImportError_ as exc:
            raise CliError(str(exc)) from None
        for r in outcome:
            print(f"{r.outcome:<12} {r.type:<14} {r.id}  {r.title}")
        failed = [r for r in outcome if r.outcome.startswith("error")]
        print(f"{len(outcome) - len(failed)} imported, {len(failed)} failed", file=sys.stderr)
        return 1 if failed or not outcome else 0
    from lexwatch.dashboards.check import PlanError, check
    store = args.store or os.environ.get("LEXWATCH_ES_URL")
    if not store or not store.startswith(("http://", "https://")):
        raise CliError("check needs Elasticsearch: --store http://127.0.0.1:9200")
    try:
        findings = check(store, args.file)
    except PlanError as exc:
        raise CliError(str(exc)) from None
    if args.file == NDJSON_PATH:
        from lexwatch.dashboards import developments
        from urllib.parse import urlsplit, urlunsplit
        findings += developments.check(urlunsplit(urlsplit(store)._replace(path="", query="")))
    for finding in findings:
        print(finding.line())
    failed = [f for f in findings if not f.ok]
    print(f"{len(findings) - len(failed)} checks passed, {len(failed)} failed", file=sys.stderr)
    return 1 if failed else 0
