"""`lexwatch search QUERY` — full-text search with filters, on either store."""
from __future__ import annotations

import html
import json
import re

from lexwatch.index import open_store
from lexwatch.commands.filters import add_filter_options, filters_from_args
from lexwatch.penalties import penalties_short


def register(sub, common):
    p = sub.add_parser("search", parents=[common], help="search stored articles",
                       description='Search stored articles. QUERY: words (any inflection), "phrases", '
                                   "a OR b, -exclusion; empty matches everything. Newest first.")
    p.add_argument("query", nargs="?", default="", metavar="QUERY")
    add_filter_options(p)
    p.add_argument("--limit", type=int, default=20, help="results per page (default 20, max 500)")
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--sort", choices=("date", "relevance"), default="date")
    p.set_defaults(func=run)


def run(args):
    with open_store(args.store) as store:
        result = store.search(args.query, filters_from_args(args), sort=args.sort, page=args.page,
                              size=args.limit)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return 0
    print(f"{result.total} article(s)" + (f", page {result.page}" if result.total > result.size else ""))
    for hit in result.hits:
        a, tags = hit.article, hit.article.deepfake
        badges = " ".join(filter(None, [",".join(tags["jurisdictions"]), tags["stage"] or "",
                                        "relevant" if tags["relevant"] else ""]))
        print(f"\n{(a.published_at or '')[:16].replace('T', ' ')}  {a.outlet}/{a.language}  {a.title}")
        if badges:
            print(f"  [{badges}]" + (f"  {penalties_short(tags['penalties'])}" if tags["penalties"] else ""))
        text = re.sub(r"</?mark>", "*", hit.snippet)
        print("  " + html.unescape(text))
        print(f"  {a.url}")
    return 0
