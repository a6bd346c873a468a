"""The WSGI application behind `lexwatch serve`: server-rendered pages and the JSON API over one Store.

Settings (from the command): the Store, an optional access token, and whether the server is bound to
loopback only (then requests naming any other Host are refused: a DNS-rebinding page cannot read it).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import mimetypes
import re
import threading
import traceback
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs, urlencode

from lexwatch.index.store import QueryError, Store, StoreError
from lexwatch.urls import redact
from lexwatch import __version__
from lexwatch.web import api
from lexwatch.web.openapi import openapi_document
from lexwatch.web.params import ParamError, Params, parse_params
from lexwatch.web.render import render

log = logging.getLogger("lexwatch.web")
STATIC = Path(__file__).with_name("static")
STATIC_FILES = {"style.css", "icon.svg"}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
TOKEN_COOKIE = "lexwatch_token"
_ARTICLE_ID = re.compile(r"^[0-9a-f]{24}$")
# Nothing on the pages runs script; styles and the icon come from this server only.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY"),
                    ("Cross-Origin-Opener-Policy", "same-origin")]

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Response:
    def __init__(self, status: int, body: bytes, content_type: str, headers: list[tuple[str, str]] | None = None):
        self.status, self.body, self.content_type = status, body, content_type
        self.headers = headers or []


def json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")


def html_response(html: str, status: int = 200) -> Response:
    return Response(status, html.encode("utf-8"), "text/html; charset=utf-8")


class WebApp:
    def __init__(self, store: Store, token: str | None = None, local_only: bool = True) -> None:
        self.store = store
        self.token = token or None
        self.local_only = local_only
        # SqliteStore shares one connection between threads; one request at a time reads it.
        self.lock = threading.Lock()

    # -- WSGI ----------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        wants_json = path.startswith("/api/")
        try:
            response = self.dispatch(environ, path)
        except HttpError as exc:
            response = self.error(exc.status, exc.message, wants_json)
        except (ParamError, QueryError) as exc:
            response = self.error(400, str(exc), wants_json)
        except StoreError as exc:
            problem = redact(str(exc))   # the page and the log never show a store's credentials
            log.warning("store error: %s", problem)
            response = self.error(503, f"the store is not available: {problem}", wants_json)
        except Exception:  # never a traceback to the client; the server log has it
            log.error("internal error on %s\n%s", path, traceback.format_exc())
            response = self.error(500, "internal error; see the server log", wants_json)
        headers = [("Content-Type", response.content_type), ("Content-Length", str(len(response.body))),
                   ("Cache-Control", "no-store"), *SECURITY_HEADERS, *response.headers]
        start_response(f"{response.status} {HTTPStatus(response.status).phrase}", headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else response.body]

    def error(self, status: int, message: str, wants_json: bool) -> Response:
        if wants_json:
            return json_response({"error": message, "status": status}, status)
        return html_response(render("error.html", status=status, phrase=HTTPStatus(status).phrase,
                                    message=message), status)

    # -- routing -------------------------------------------------------------------------------
    def dispatch(self, environ: dict[str, Any], path: str) -> Response:
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            raise HttpError(405, "only GET is supported")
        self.check_host(environ)
        # WSGI hands the query string over as latin-1; a client sending raw UTF-8 (curl, some
        # scripts) would otherwise see "дипфейк" turned into mojibake.
        raw = parse_qs(_wsgi_text(environ.get("QUERY_STRING", "")), keep_blank_values=True)
        if path.startswith("/static/"):
            return self.static(path.removeprefix("/static/"))
        redirect = self.check_token(environ, path, raw)
        if redirect:
            return redirect
        raw.pop("token", None)
        if path == "/api/openapi.json":
            return json_response(openapi_document(__version__))
        if path in ("/api/search", "/api/timeline", "/api/facets"):
            params = parse_params(raw)
            with self.lock:
                payload = {"/api/search": api.search_payload, "/api/timeline": api.timeline_payload,
                           "/api/facets": api.facets_payload}[path](self.store, params)
            return json_response(payload)
        if path in ("/api/tracker", "/tracker"):
            from lexwatch.web.tracker import tracker_params, tracker_payload
            params = tracker_params(raw)
            with self.lock:
                payload = tracker_payload(self.store, params)
            if path == "/tracker":
                return html_response(render("tracker.html", tracker=payload, params=Params()))
            return json_response(payload)
        if path.startswith("/api/development/"):
            from lexwatch.web.tracker import one_development
            with self.lock:
                found = one_development(self.store, path.removeprefix("/api/development/"))
            if found is None:
                raise HttpError(404, "no such development in this store")
            return json_response(found)
        if path.startswith("/api/article/"):
            with self.lock:
                return json_response(self.article(path.removeprefix("/api/article/"), raw))
        if path == "/":
            return html_response(self.search_page(parse_params(raw)))
        if path.startswith("/article/"):
            with self.lock:
                payload = self.article(path.removeprefix("/article/"), raw)
            return html_response(render("article.html", article=payload, params=Params()))
        raise HttpError(404, f"no page at {path}")

    def article(self, article_id: str, raw: dict[str, list[str]]) -> dict[str, Any]:
        if raw:
            raise ParamError(f"an article takes no parameters, got: {', '.join(sorted(raw))}")
        if not _ARTICLE_ID.match(article_id):
            raise HttpError(404, "an article id is 24 hexadecimal digits")
        found = self.store.get(article_id)
        if found is None:
            raise HttpError(404, f"no article {article_id} in this store")
        return api.article_payload(self.store, found)

    def search_page(self, params: Params) -> str:
        with self.lock:
            results = api.search_payload(self.store, params)
            timeline = api.timeline_payload(self.store, params)
            facets = api.facets_payload(self.store, params)
        return render("search.html", params=params, results=results, timeline=timeline, facets=facets)

    def static(self, name: str) -> Response:
        if name not in STATIC_FILES:
            raise HttpError(404, f"no static file {name}")
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        body = (STATIC / name).read_bytes()
        return Response(200, body, kind + ("; charset=utf-8" if kind.startswith("text/") else ""),
                        [("Cache-Control", "max-age=3600")])

    # -- access --------------------------------------------------------------------------------
    def check_host(self, environ: dict[str, Any]) -> None:
        if not self.local_only:
            return
        host = (environ.get("HTTP_HOST") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        if name not in LOCAL_HOSTS:
            raise HttpError(403, "this server answers only to localhost; use --host to serve other names")

    def cookie_value(self) -> str:
        """A digest of the token, so the cookie never holds the token itself (and is cookie-safe)."""
        return hashlib.sha256(b"lexwatch-web:" + (self.token or "").encode()).hexdigest()

    def check_token(self, environ: dict[str, Any], path: str, raw: dict[str, list[str]]) -> Response | None:
        """Token via `Authorization: Bearer`, the cookie, or once via ?token= (then kept in a cookie)."""
        if not self.token:
            return None
        given_query = (raw.get("token") or [""])[0]
        if given_query and hmac.compare_digest(given_query.encode(), self.token.encode()):
            rest = {k: v for k, v in raw.items() if k != "token"}
            location = path + ("?" + urlencode(rest, doseq=True) if rest else "")
            cookie = f"{TOKEN_COOKIE}={self.cookie_value()}; Path=/; HttpOnly; SameSite=Strict"
            return Response(303, b"", "text/plain; charset=utf-8", [("Location", location), ("Set-Cookie", cookie)])
        auth = environ.get("HTTP_AUTHORIZATION") or ""
        if auth.startswith("Bearer ") and hmac.compare_digest(auth[7:].strip().encode(), self.token.encode()):
            return None
        cookie = SimpleCookie()
        try:
            cookie.load(environ.get("HTTP_COOKIE") or "")
        except Exception:  # a malformed Cookie header is just no cookie
            pass
        if TOKEN_COOKIE in cookie and hmac.compare_digest(cookie[TOKEN_COOKIE].value.encode(),
                                                          self.cookie_value().encode()):
            return None
        raise HttpError(401, "an access token is required: open the page once with ?token=… "
                             "or send the header 'Authorization: Bearer …'")


def create_app(store: Store, token: str | None = None, local_only: bool = True) -> WebApp:
    return WebApp(store, token=token, local_only=local_only)


def _wsgi_text(value: str) -> str:
    """PEP 3333 strings carry bytes as latin-1 characters; recover the UTF-8 text they encode.
    A string that is not latin-1 at all already is text (some embedding servers pass it so)."""
    try:
        return value.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return value
