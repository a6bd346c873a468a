"""Run the web app on a threaded stdlib WSGI server (also used by the tests and the screenshot)."""
from __future__ import annotations

import ipaddress
import logging
import sys
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from lexwatch.web.app import WebApp

log = logging.getLogger("lexwatch.web")


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    """One access-log line per request to stderr, without wsgiref's reverse DNS lookups."""

    def address_string(self) -> str:
        return self.client_address[0]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib's name)
        if log.isEnabledFor(logging.INFO):
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


DEFAULT_PORT = 8765   # lexwatch serve, lexwatch demo and the alert digests' links agree on it


def make_web_server(app: WebApp, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> ThreadingWSGIServer:
    return make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)


class BackgroundServer:
    """The app on a free port in a thread: `with BackgroundServer(app) as base_url: …`."""

    def __init__(self, app: WebApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = make_web_server(app, host, port)
        self.thread = threading.Thread(target=self.server.serve_forever, name="lexwatch-web", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
