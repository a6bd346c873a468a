"""`lexwatch crawl` — not yet available (its issue is open)."""
import sys


def register(sub, common):
    p = sub.add_parser("crawl", parents=[common], help="(not yet available)")
    p.set_defaults(func=run)


def run(args):
    print("lexwatch crawl: not yet available in this version", file=sys.stderr)
    return 2
