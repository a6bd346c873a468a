"""Run the web app on waitress, a production WSGI server (also used by the tests and the screenshot).

Why waitress: pure Python, no C build; its I/O loop reads each request whole (headers and body)
before a worker thread sees it, so idle or slow clients hold a socket, not one of the bounded
worker THREADS; idle connections are closed after CHANNEL_TIMEOUT seconds. wsgiref, used before,
started one thread per connection without limit and is documented as not for production.
Access logging is ours (waitress has none): one line per request on stderr, the token redacted.
"""
from __future__ import annotations

import ipaddress
import logging
import re
import sys
import threading
import time
from typing import Any, Callable, Iterable

from lexwatch.web.app import WebApp

log = logging.getLogger("lexwatch.web")

THREADS = 8              # requests answered at once (searches are CPU-bound; more would only queue)
CONNECTION_LIMIT = 1000  # open connections accepted before new ones wait in the listen backlog
CHANNEL_TIMEOUT = 60     # seconds an idle or stalled connection is kept
DEFAULT_PORT = 8765      # lexwatch serve, lexwatch demo and the alert digests' links agree on it
_TOKEN = re.compile(r"(?<=[?&]token=)[^&\s]*")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class AccessLog:
    """WSGI middleware: `client "METHOD /path?query HTTP/1.1" status bytes seconds`, written when the
    response has been sent (or the client went away), one line per request; ?token= is redacted."""

    def __init__(self, app: Callable, stream=None) -> None:
        self.app, self.stream = app, stream

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        started, seen = time.monotonic(), {"status": "-", "bytes": 0}

        def recording_start(status: str, headers: list, exc_info: Any = None):
            seen["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        body = self.app(environ, recording_start)
        try:
            for chunk in body:
                seen["bytes"] += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close:
                close()
            self.write(environ, seen["status"], seen["bytes"], time.monotonic() - started)

    def write(self, environ: dict[str, Any], status: str, size: int, seconds: float) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        target = environ.get("PATH_INFO", "") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        target = _TOKEN.sub("[redacted]", target)
        line = (f'{environ.get("REMOTE_ADDR", "-")} "{environ.get("REQUEST_METHOD", "-")} {target} '
                f'{environ.get("SERVER_PROTOCOL", "-")}" {status} {size} {seconds:.3f}')
        # one line per request whatever the client sent (a decoded CR or LF cannot start a second one)
        (self.stream or sys.stderr).write(line.replace("\r", "\\r").replace("\n", "\\n") + "\n")


class WebServer:
    """A waitress server for the app on host:port (port 0 picks a free one)."""

    def __init__(self, app: WebApp, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *,
                 threads: int = THREADS, channel_timeout: int = CHANNEL_TIMEOUT) -> None:
        from waitress.server import create_server
        self.server = create_server(AccessLog(app), host=host.strip("[]"), port=port, threads=threads,
                                    connection_limit=CONNECTION_LIMIT, channel_timeout=channel_timeout,
                                    cleanup_interval=min(30, channel_timeout), asyncore_use_poll=True,
                                    ident="lexwatch", expose_tracebacks=False, clear_untrusted_proxy_headers=True)
        listening = getattr(self.server, "effective_listen", None) or [
            (self.server.effective_host, self.server.effective_port)]
        self.server_address = listening[0]

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{f'[{host}]' if ':' in str(host) else host}:{port}"

    def serve_forever(self) -> None:
        self.server.run()

    def shutdown(self) -> None:
        """Close the listening socket and every connection, and stop the worker threads."""
        server = self.server
        logging.getLogger("waitress").setLevel(logging.CRITICAL)   # no tracebacks from a loop being torn down
        for channel in list(server._map.values()):
            try:
                channel.handle_close()
            except Exception:
                pass
        server.task_dispatcher.shutdown()

    server_close = shutdown


def make_web_server(app: WebApp, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> WebServer:
    return WebServer(app, host, port)


class BackgroundServer:
    """The app on a free port in a thread: `with BackgroundServer(app) as base_url: …`."""

    def __init__(self, app: WebApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = make_web_server(app, host, port)
        self.thread = threading.Thread(target=self.server.serve_forever, name="lexwatch-web", daemon=True)

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
