"""The `lexwatch` command. Each subcommand lives in lexwatch/commands/<name>.py with
`register(subparsers, common)`; this module only wires them and turns errors into one line."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from lexwatch import __version__

COMMANDS = ("demo", "crawl", "reprocess", "analyze", "eval", "search", "timeline", "alerts",
            "export", "dashboards", "serve", "watch", "bench", "sites", "tracker", "developments")


class CliError(Exception):
    """An error the user can fix; printed as one line, exit status 1."""


def common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", default=os.environ.get("LEXWATCH_STORE"),
                        help="sqlite:///path.db (default sqlite:///./data/lexwatch.db) or "
                             "http(s)://host:9200 for Elasticsearch; env LEXWATCH_STORE. Credentials and TLS "
                             "trust: LEXWATCH_ES_API_KEY, LEXWATCH_ES_USER/_PASSWORD, LEXWATCH_ES_CA_CERTS, "
                             "LEXWATCH_ES_FINGERPRINT or LEXWATCH_CONFIG (README), not arguments")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    common.add_argument("--debug", action="store_true", help="show tracebacks")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lexwatch",
        description="Monitor how countries regulate deepfakes and AI-generated media: crawl outlets, "
                    "extract, detect language, tag legal developments, search and chart them.")
    parser.add_argument("--version", action="version", version=f"lexwatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = common_options()
    for name in COMMANDS:
        importlib.import_module(f"lexwatch.commands.{name}").register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("lexwatch: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line for the user; the traceback only when asked
        if getattr(args, "debug", False):
            raise
        name = type(exc).__name__
        known = isinstance(exc, (CliError, OSError)) or name.endswith("Error")
        message = str(exc) if known and str(exc) else f"{name}: {exc}"
        from lexwatch.urls import redact   # no credential of a store, frontier or Kibana URL in an error
        message = redact(message)
        print(f"lexwatch {args.command}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
