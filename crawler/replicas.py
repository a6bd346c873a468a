"""Local replicas of the outlets' sites, served on 127.0.0.1 for tests, the demo and the benchmark.

    handle = start_replicas()            # one port per site, chosen by the OS
    handle.base_urls                     # {site key: "http://127.0.0.1:41234", ...}
    handle.publish_day(2)                # the next day's stories appear, one story is updated
    handle.hits(site_key)                # every request that site answered
    handle.stop()

The sites are static files generated from tests/replicas/<outlet>/stories.toml (build.py there);
routes.json maps each URL to its file per publishing day. Pages name the real origins
(https://<real host>/...); the server rewrites them to the replica origins it serves, so links lead
where they would on the real site. Dynamic behaviour: conditional GET (ETag, Last-Modified ->
304), 301 redirects, a page that answers 503 with Retry-After once and then 200, 404 for anything
else. `python -m lexwatch.crawler.replicas` serves them until Ctrl-C.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from w3lib.url import url_query_cleaner

from lexwatch.bundled import bundled_dir
from lexwatch.crawler.publishers import PUBLISHERS
from lexwatch.urls import TRACKING_PARAMS

REPLICA_ROOT = bundled_dir("replicas")   # tests/replicas, shipped in the wheel as lexwatch/replicas


@dataclass
class Hit:
    site: str
    path: str            # path?query as requested
    status: int
    at: float
    user_agent: str = ""
    conditional: bool = False


@dataclass
class ReplicaSite:
    key: str
    outlet: str
    routes: dict[str, dict[str, dict]]   # day -> URL path -> route
    server: ThreadingHTTPServer | None = None
    base_url: str = ""
    failed_once: set[str] = field(default_factory=set)


class ReplicaHandle:
    def __init__(self, root: Path, sites: dict[str, ReplicaSite], day: int) -> None:
        self.root, self.sites, self.day = root, sites, day
        self._hits: list[Hit] = []
        self._lock = threading.Lock()
        self.rewrites: list[tuple[bytes, bytes]] = []

    @property
    def outlets(self) -> list[str]:
        return sorted({site.outlet for site in self.sites.values()})

    @property
    def base_urls(self) -> dict[str, str]:
        return {key: site.base_url for key, site in self.sites.items()}

    def publish_day(self, day: int) -> None:
        self.day = day

    def record(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)

    def hits(self, site: str | None = None) -> list[Hit]:
        with self._lock:
            return [h for h in self._hits if site is None or h.site == site]

    def reset(self) -> None:
        """Forget the request log and which pages already failed once."""
        with self._lock:
            self._hits.clear()
        for site in self.sites.values():
            site.failed_once.clear()

    def manifest(self, outlet: str | None = None) -> list[dict]:
        """Every article page of the replicas (tests/replicas/<outlet>/manifest.json) with its
        replica `url` added."""
        out = []
        for name in sorted({s.outlet for s in self.sites.values()}):
            if outlet and name != outlet:
                continue
            for entry in json.loads((self.root / name / "manifest.json").read_text(encoding="utf-8")):
                if entry["site"] in self.sites:
                    out.append({**entry, "url": self.sites[entry["site"]].base_url + entry["path"]})
        return out

    def expected_articles(self, outlet: str | None = None, langs: list[str] | None = None, day: int | None = None,
                          since: str | None = None, until: str | None = None) -> list[dict]:
        """The manifest entries a crawl should store on `day` (default: the current one): every
        published page in the editions and local-day window asked, except pages behind a robots.txt
        Disallow rule and deleted ones."""
        day = day or self.day
        return [e for e in self.manifest(outlet)
                if e["day"] <= day and not e["flags"].get("robots") and not e["flags"].get("missing_link")
                and (not langs or e["lang"] in langs)
                and (not since or e["published"][:10] >= since) and (not until or e["published"][:10] <= until)]

    def stop(self) -> None:
        for site in self.sites.values():
            if site.server is not None:
                site.server.shutdown()
                site.server.server_close()
                site.server = None

    def __enter__(self) -> "ReplicaHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def find_route(routes: dict[str, dict], raw: str) -> dict | None:
    """Exact path?query; then without tracking parameters (real sites ignore them); then the bare
    path for routes that answer any query (a dated archive for a day without news)."""
    if raw in routes:
        return routes[raw]
    candidate = url_query_cleaner(raw, TRACKING_PARAMS, remove=True)
    if candidate in routes:
        return routes[candidate]
    path = raw.partition("?")[0]
    route = routes.get(path)
    if route is not None and route.get("any_query"):
        return route
    return None


def _http_date(iso: str | None) -> str | None:
    return format_datetime(datetime.fromisoformat(iso), usegmt=False) if iso else None


def _handler(handle: ReplicaHandle, site: ReplicaSite):
    class Handler(BaseHTTPRequestHandler):
        server_version = "replica/1.0"
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # the hit log replaces stderr chatter
            pass

        def do_HEAD(self) -> None:
            self.do_GET(head=True)

        def do_GET(self, head: bool = False) -> None:
            raw = urlsplit(self.path)
            target = raw.path + (f"?{raw.query}" if raw.query else "")
            route = find_route(site.routes[str(handle.day)], target)
            self._target = target
            self._answer(route, target, head)

        def _answer(self, route: dict | None, target: str, head: bool) -> int:
            if route is None:
                return self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8", head)
            if route.get("status") == 301:
                location = rewrite(route["location"].encode(), handle.rewrites).decode()
                return self._send(301, b"", "text/html", head, {"Location": location})
            fail = route.get("fail_once")
            if fail and target not in site.failed_once:
                site.failed_once.add(target)
                return self._send(fail["status"], b"Service temporarily unavailable", "text/plain", head,
                                  {"Retry-After": fail["retry_after"]})
            body = rewrite((handle.root / site.outlet / "files" / route["file"]).read_bytes(), handle.rewrites)
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            last_modified = _http_date(route.get("last_modified"))
            headers = {"ETag": etag, "Cache-Control": "max-age=60"}
            if last_modified:
                headers["Last-Modified"] = last_modified
            if self._not_modified(etag, route.get("last_modified")):
                return self._send(304, b"", None, True, headers)
            return self._send(200, body, route["type"], head, headers)

        def _not_modified(self, etag: str, last_modified: str | None) -> bool:
            if "If-None-Match" in self.headers:
                return etag in [t.strip() for t in self.headers["If-None-Match"].split(",")]
            since = self.headers.get("If-Modified-Since")
            if since and last_modified:
                try:
                    return datetime.fromisoformat(last_modified) <= parsedate_to_datetime(since)
                except (TypeError, ValueError):
                    return False
            return False

        def _send(self, status: int, body: bytes, ctype: str | None, head: bool, headers: dict | None = None) -> int:
            # Recorded before the answer leaves: a client that has its response finds its hit recorded.
            conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
            handle.record(Hit(site.key, self._target, status, time.time(), self.headers.get("User-Agent", ""),
                              conditional))
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0" if status == 304 else str(len(body)))
            self.end_headers()
            if not head and status != 304:
                self.wfile.write(body)
            return status

    return Handler


def rewrite(data: bytes, rewrites: list[tuple[bytes, bytes]]) -> bytes:
    for real, ours in rewrites:
        data = data.replace(real, ours)
    return data


def start_replicas(root: str | Path | None = None, day: int = 1, host: str = "127.0.0.1",
                   outlets: list[str] | None = None, first_port: int = 0) -> ReplicaHandle:
    """Serve every registry outlet's replica found under `root` (or those in `outlets`), one site per free port, or on
    first_port, first_port+1, … (sorted by site) when given: stored URLs carry the port, so a store
    that is crawled again (lexwatch demo) needs the same ports to recognise its articles."""
    root = Path(root) if root else REPLICA_ROOT
    sites: dict[str, ReplicaSite] = {}
    for outlet in outlets or [name for name in PUBLISHERS if (root / name / "routes.json").exists()]:
        routes = json.loads((root / outlet / "routes.json").read_text(encoding="utf-8"))
        for key, by_day in routes.items():
            sites[key] = ReplicaSite(key, outlet, by_day)
    handle = ReplicaHandle(root, sites, day)
    for offset, site in enumerate(sorted(sites.values(), key=lambda s: s.key)):
        port = first_port + offset if first_port else 0
        site.server = ThreadingHTTPServer((host, port), _handler(handle, site))
        site.server.daemon_threads = True
        site.base_url = f"http://{host}:{site.server.server_address[1]}"
        threading.Thread(target=site.server.serve_forever, name=f"replica-{site.key}", daemon=True).start()
    for publisher in PUBLISHERS.values():
        for real_site in publisher.sites:
            if real_site.key in sites:
                for real in (real_site.base_url, *real_site.aliases):
                    handle.rewrites.append((real.encode(), sites[real_site.key].base_url.encode()))
    return handle


if __name__ == "__main__":
    replicas = start_replicas()
    for name, url in sorted(replicas.base_urls.items()):
        print(f"{name:10} {url}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        replicas.stop()
