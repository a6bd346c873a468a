"""A generated news site of any size for the crawl-memory benchmark, shaped like the registry outlet
it copies (OUTLET: per-language sitemap indexes with monthly children, article URLs
/{lang}/{YYYY-MM-DD}/{slug}/), served on 127.0.0.1 with pages made on request from a seed.

    with serve_site(articles=10_000) as site:
        site.base_urls   # {OUTLET: "http://127.0.0.1:…", OTHER_SITE: "http://127.0.0.1:…"}

Feeds and listings answer 404 (the sitemaps hold every article); the outlet's second site
(OTHER_SITE) has only robots.txt and empty sitemap indexes.
Bodies mix the synthetic vocabulary with names and numbers that keep growing, as real news does, so
per-word caches and spaCy's string store grow during the crawl as they would on real sites.
"""
from __future__ import annotations

import random
import threading
from contextlib import contextmanager
from datetime import date, timedelta
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

from lexwatch.bench.synthetic import article_length, synthetic_text
from lexwatch.outlets import Outlet, outlets



def _copied_outlet() -> Outlet:
    """The outlet whose shape the generated site copies: the first of the registry with a day in its
    article paths, a sitemap per edition and a second site."""
    for outlet in outlets().values():
        if outlet.path_date and len(outlet.sites) > 1 and all(e.sitemaps for e in outlet.sites[0].editions):
            return outlet
    raise RuntimeError("the outlet registry has no outlet with dated paths, edition sitemaps and two sites")


COPIED = _copied_outlet()
# The outlet the generated site copies (and its second site, which gets no articles).
OUTLET, OTHER_SITE = COPIED.name, COPIED.sites[1].key
LANGS = tuple(e.lang for e in COPIED.sites[0].editions)
PREFIX = {e.lang: e.prefix for e in COPIED.sites[0].editions}
FIRST_DAY = date(2025, 1, 1)
EMPTY_INDEX = b'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'
SYLLABLES = ("ka", "ra", "bek", "tan", "sul", "nur", "ay", "gul", "mar", "zhan", "dos", "er", "lan", "bol", "sa")


class Site:
    def __init__(self, articles: int, seed: int) -> None:
        self.articles, self.seed = articles, seed
        self.by_lang = {lang: [i for i in range(articles) if LANGS[i % len(LANGS)] == lang] for lang in LANGS}

    def day_of(self, i: int) -> date:
        return FIRST_DAY + timedelta(days=(i * 7919) % 600)

    def path_of(self, i: int) -> str:
        lang = LANGS[i % len(LANGS)]
        return f"{PREFIX[lang]}/{self.day_of(i):%Y-%m-%d}/bench-article-{i}/"

    def months(self, lang: str) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i in self.by_lang[lang]:
            out.setdefault(f"{self.day_of(i):%Y-%m}", []).append(i)
        return dict(sorted(out.items()))

    def page(self, path: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow: /wp-admin/\n"
        for lang in LANGS:
            base = f"/sitemaps/{lang}/"
            if path == base + "sitemap.xml":
                rows = "".join(f"<sitemap><loc>{base}post-{month}.xml</loc><lastmod>{month}-28T00:00:00+05:00</lastmod>"
                               f"</sitemap>\n" for month in self.months(lang))
                return 200, "application/xml", (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
                                                f'"http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n').encode()
            if path.startswith(base + "post-") and path.endswith(".xml"):
                month = path[len(base) + 5:-4]
                items = self.months(lang).get(month)
                if items is None:
                    break
                rows = "".join(f"<url><loc>{self.path_of(i)}</loc><lastmod>{self.day_of(i)}T12:00:00+05:00</lastmod></url>\n"
                               for i in items)
                return 200, "application/xml", (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
                                                f'"http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n').encode()
        parts = path.strip("/").split("/")
        if parts and parts[-1].startswith("bench-article-") and parts[-1][14:].isdigit():
            i = int(parts[-1][14:])
            if i < self.articles and self.path_of(i) == path:
                return 200, "text/html; charset=utf-8", self.article(i).encode("utf-8")
        return 404, "text/html", b"<html><body><h1>404</h1></body></html>"

    def article(self, i: int) -> str:
        rng = random.Random(self.seed * 1_000_003 + i)
        lang = LANGS[i % len(LANGS)]
        title = synthetic_text(rng, lang, rng.randint(6, 11)).split(".")[0]
        paragraphs = synthetic_text(rng, lang, article_length(rng)).split("\n\n")
        # names and figures that keep growing with the site, as a real vocabulary does
        name = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + f"{i % 997}"
        paragraphs.insert(1, f"{name} {rng.randint(1, 10**6)} {rng.choice(paragraphs[0].split())}.")
        published = f"{self.day_of(i)}T{8 + i % 12:02d}:{i % 60:02d}:00+05:00"
        body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)} | Kursiv</title>
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{self.path_of(i)}"></head>
<body><header><nav><a href="/">Kursiv</a></nav></header>
<main><article><h1>{escape(title)}</h1><time datetime="{published}">{self.day_of(i)}</time>
{body}
</article></main><footer>© Kursiv Media</footer></body></html>
"""


def _handler(site: Site | None):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if site is None:   # an edition-less site: robots.txt and empty sitemap indexes
                status, ctype, body = (200, "text/plain", b"User-agent: *\nDisallow:\n") if path == "/robots.txt" \
                    else (200, "application/xml", EMPTY_INDEX) if path.endswith("/sitemap.xml") \
                    else (404, "text/html", b"")
            else:
                status, ctype, body = site.page(path)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


class Served:
    def __init__(self, site: Site, servers: dict[str, ThreadingHTTPServer]) -> None:
        self.site, self.servers = site, servers
        self.base_urls = {key: f"http://127.0.0.1:{s.server_address[1]}" for key, s in servers.items()}


@contextmanager
def serve_site(articles: int, seed: int = 13) -> Iterator[Served]:
    site = Site(articles, seed)
    servers = {OUTLET: ThreadingHTTPServer(("127.0.0.1", 0), _handler(site)),
               OTHER_SITE: ThreadingHTTPServer(("127.0.0.1", 0), _handler(None))}
    for server in servers.values():
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Served(site, servers)
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()
