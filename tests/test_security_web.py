"""The web page and API with hostile text in every field of an article and in every query parameter:
the HTML is parsed and may hold no element, event handler or link scheme the app does not make
itself; the JSON is served as JSON. The server listens on 127.0.0.1 unless told otherwise, and a
token, once set, is required over real HTTP. (The browser's view of a hostile article is
tests/test_web_browser.py; the escaping of the standard hostile article, tests/test_web_api.py.)"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import lxml.html
import pytest

from lexwatch.article import Article
from lexwatch.web.app import CSP, create_app
from tests.corpus import corpus
from tests.test_web_api import call

XSS = ['<script>alert(1)</script>', '"><svg onload=alert(2)>', "'><img src=x onerror=alert(3)>",
       "javascript:alert(4)", '</textarea><iframe src="javascript:alert(5)">', "{{7*7}}{% raw %}",
       '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==">x</a>', "\u202e<b>rtl</b>",
       '<style>@import "http://evil.example/x.css";</style>', '<meta http-equiv="refresh" content="0;url=http://evil.example">']
PAYLOAD = " ".join(XSS)


def hostile_everywhere() -> Article:
    pen = {"kind": "fine", "min": 1, "max": 2, "unit": XSS[1], "equivalent": {"min": 1, "max": 2, "unit": XSS[2]},
           "text": PAYLOAD}
    return Article(
        url="https://report.az/en/x/" + urllib.parse.quote('"><script>alert(0)</script>'), outlet=XSS[0],
        edition=XSS[1], language=XSS[2], title="Deepfake " + PAYLOAD, body="Deepfake law. " + PAYLOAD,
        published_at="2026-03-05T10:00:00+04:00", modified_at="2026-03-06T10:00:00+04:00",
        fetched_at="2026-03-10T08:00:00+00:00", authors=XSS[:3], section=XSS[4], tags=XSS,
        translations={XSS[0]: "javascript:alert(7)", "ru": "data:text/html,<script>alert(8)</script>",
                      "az": "https://report.az/az/x\"><script>alert(9)</script>", "kk": " javascript:alert(10)"},
        deepfake={"relevant": True, "score": 0.9, "stage": XSS[1], "reading": 1, "jurisdictions": ["AZ", XSS[0]],
                  "penalties": [pen], "bodies": XSS[:2], "persons": XSS[2:4], "obligations": [PAYLOAD],
                  "instruments": [{"name": XSS[0], "article": XSS[1], "part": XSS[2], "text": PAYLOAD}]})


DANGEROUS = {"script", "iframe", "object", "embed", "img", "svg", "style", "meta", "base", "frame", "textarea",
             "link", "form", "input", "button"}


def page_tags(html: str) -> set[str]:
    return {el.tag for el in lxml.html.document_fromstring(html).iter() if isinstance(el.tag, str)}


def assert_inert(html: str, own: set[str]) -> None:
    """No dangerous element the app's own pages do not have, no event handler, no link but http(s)."""
    doc = lxml.html.document_fromstring(html)
    tags = {el.tag for el in doc.iter() if isinstance(el.tag, str)}
    assert not tags & (DANGEROUS - own), tags
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name, value)
            if name in ("href", "src", "action", "formaction", "srcset", "xlink:href"):
                scheme = urllib.parse.urlsplit(value.strip()).scheme.lower()
                assert scheme in ("", "http", "https"), (el.tag, name, value)
            if name == "http-equiv":
                assert value.lower() != "refresh"


class HostileApp:
    def __init__(self, app, own: set[str]) -> None:
        self.app, self.own = app, own

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture
def hostile_app(store):
    """The app on a store holding the corpus and the hostile article; `own` are the dangerous-looking
    elements the app's pages have of their own accord (a search form, the stylesheet link)."""
    store.upsert(corpus())
    clean = create_app(store)
    own = page_tags(call(clean, "/")[2]) | page_tags(call(clean, f"/article/{corpus()[0].id}")[2])
    store.upsert([hostile_everywhere()])
    return HostileApp(create_app(store), own & DANGEROUS)


def test_a_page_holds_no_markup_from_an_article(hostile_app):
    hostile = hostile_everywhere()
    for path, query in (("/", ""), ("/", "q=deepfake"), ("/", "q=deepfake&split=stage&interval=day"),
                        ("/", "q=deepfake&split=outlet"), ("/", "q=deepfake&split=language"),
                        (f"/article/{hostile.id}", "")):
        status, headers, html = call(hostile_app, path, query)
        assert status == 200 and headers["Content-Security-Policy"] == CSP
        assert_inert(html, hostile_app.own)
    article_page = call(hostile_app, f"/article/{hostile.id}")[2]
    text = lxml.html.document_fromstring(article_page).text_content()
    assert "<script>alert(1)</script>" in text and "javascript:alert(7)" in text   # shown as text


@pytest.mark.parametrize("name", ["q", "country", "stage", "outlet", "lang", "from", "to", "sort", "page", "size",
                                  "interval", "split", "relevant", "token"])
def test_every_query_parameter_is_inert_when_reflected(hostile_app, name):
    for payload in XSS:
        query = urllib.parse.urlencode({name: payload})
        status, headers, html = call(hostile_app, "/", query)
        assert status in (200, 400) and headers["Content-Security-Policy"] == CSP
        assert_inert(html, hostile_app.own)
        status, headers, body = call(hostile_app, "/api/search", query)
        assert headers["Content-Type"].startswith("application/json") and headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_paths_and_ids_are_inert(hostile_app):
    for path in ("/article/" + urllib.parse.quote(XSS[0]), "/" + urllib.parse.quote(XSS[1]),
                 "/static/" + urllib.parse.quote("../../etc/passwd"), "/static/..%2f..%2fREADME.md"):
        status, headers, html = call(hostile_app, urllib.parse.unquote(path))
        assert status in (400, 404)
        assert "root:" not in html and "lexwatch follows" not in html
        if headers["Content-Type"].startswith("text/html"):
            assert_inert(html, hostile_app.own)


def test_api_serves_hostile_text_as_json_data_only(hostile_app):
    hostile = hostile_everywhere()
    for path, query in (("/api/search", "q=deepfake"), (f"/api/article/{hostile.id}", ""),
                        ("/api/timeline", "split=country"), ("/api/facets", "")):
        status, headers, body = call(hostile_app, path, query)
        assert status == 200
        assert headers["Content-Type"].startswith("application/json")
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Content-Security-Policy"] == CSP
    snippets = [h["snippet"] for h in call_json(hostile_app, "/api/search", "q=deepfake")["hits"]]
    for snippet in snippets:
        assert not re.search(r"<(?!/?mark>)", snippet), snippet          # only <mark>, all else escaped


def call_json(app, path, query=""):
    import json
    return json.loads(call(app, path, query)[2])


# -- the server process --------------------------------------------------------------------------
def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port`, from /proc/net/tcp{,6} (hex)."""
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(name).read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def start_serve(tmp_path, *args):
    from lexwatch.index.sqlite_store import SqliteStore
    db = tmp_path / "web.db"
    with SqliteStore(f"sqlite:///{db}") as store:
        store.upsert(corpus())
    proc = subprocess.Popen([sys.executable, "-m", "lexwatch.cli", "serve", "--store", f"sqlite:///{db}",
                             "--port", "0", *args], stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    lines = []
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        match = re.search(r"at http://(\[[^\]]+\]|[^:/]+):(\d+)/", line)
        if match:
            return proc, int(match.group(2)), lines
    proc.kill()
    raise AssertionError("".join(lines))


def test_serve_listens_on_loopback_only_by_default(tmp_path):
    proc, port, _ = start_serve(tmp_path)
    try:
        assert listening_addresses(port) == {"0100007F"}               # 127.0.0.1, nothing else
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=deepfake", timeout=10) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_on_all_interfaces_warns_without_token_and_enforces_one_when_set(tmp_path):
    proc, port, lines = start_serve(tmp_path, "--host", "0.0.0.0")
    proc.terminate()
    proc.wait(timeout=10)
    assert any("without --token" in line for line in lines)
    proc, port, lines = start_serve(tmp_path, "--host", "0.0.0.0", "--token", "s3cret-token")
    try:
        assert listening_addresses(port) == {"00000000"}
        assert not any("s3cret-token" in line for line in lines)       # the token is never printed
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search", timeout=10)
        assert refused.value.code == 401
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/search",
                                         headers={"Authorization": "Bearer s3cret-token"})
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
