"""`lexwatch serve` — the analysts' web page and JSON API over a store (see docs/web.md).

Settings: --host (127.0.0.1), --port (8765), --store / LEXWATCH_STORE, --token / LEXWATCH_TOKEN.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path


def register(sub, common):
    p = sub.add_parser("serve", parents=[common], help="web page and JSON API for searching the store",
                       description="Serve the search page, the timeline chart and the JSON API under /api/.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--token", default=os.environ.get("LEXWATCH_TOKEN"),
                   help="require this access token (env LEXWATCH_TOKEN); use it whenever --host is not local")
    p.add_argument("--screenshot", type=Path, metavar="PNG",
                   help="instead of serving, save a screenshot of the page (needs Chromium and Playwright)")
    p.add_argument("--screenshot-query", default="relevant=1", metavar="QS",
                   help="query string of the page to screenshot (default relevant=1)")
    p.add_argument("--screenshot-page", default="/", metavar="PATH",
                   help="the page to screenshot: / (search, default) or /tracker")
    p.set_defaults(func=run)


def run(args):
    from lexwatch.index.factory import open_store
    from lexwatch.cli import CliError
    from lexwatch.web.app import create_app
    from lexwatch.web.server import is_loopback, make_web_server

    store = open_store(args.store)
    try:
        if args.screenshot:
            from lexwatch.web.screenshot import take_screenshot
            path = take_screenshot(store, args.screenshot, query=args.screenshot_query, page_path=args.screenshot_page,
                                   open_steps=3 if args.screenshot_page == "/tracker" else 0)
            print(f"screenshot saved to {path}")
            return 0
        local = is_loopback(args.host)
        if not local and not args.token:
            print(f"lexwatch serve: warning: listening on {args.host} without --token: anyone who can reach "
                  "this address can read the store", file=sys.stderr)
        app = create_app(store, token=args.token, local_only=local)
        try:
            server = make_web_server(app, args.host, args.port)
        except OSError as exc:
            raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        host, port = server.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        from lexwatch.urls import redact_url
        print(f"lexwatch serve: {redact_url(store.url)} at http://{shown}:{port}/ (Ctrl-C stops)", file=sys.stderr, flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
        return 0
    finally:
        store.close()
