"""`lexwatch sites check`: does each outlet still look the way its registry file says?

Per site: robots.txt. Per edition: each feed and sitemap is fetched and parsed, with article links
of the registry's shape and items from the last few days; the first listing page's selectors find
items with links and dates; the newest three articles are fetched and checked (URL shape, title, a
date and which source gave it, body length, language of the edition, no text of teaser blocks, the
registry's body selector still matching). One line per check: `ok` or `DRIFT: expected …, found …`.

Polite: robots.txt is obeyed, one request per `interval` seconds per site, at most `max_requests`
per outlet: fewer than three articles per edition when the budget would not reach every edition
otherwise; what is left unchecked past it is reported as `skip`, not as drift.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from lexwatch.crawler.dates import parse_machine_date
from lexwatch.crawler.feeds import XML_PARSER, child_text, feed_entries, local_name
from lexwatch.outlets import Outlet, outlets

MIN_BODY_CHARS = 200          # shorter than any real news story: a cut or empty extraction
ARTICLES_PER_EDITION = 3


@dataclass
class Check:
    outlet: str
    scope: str                 # site key or site:lang
    name: str                  # e.g. "feed /rss/", "article 1 date"
    status: str                # ok | drift | skip
    detail: str
    url: str = ""

    def line(self) -> str:
        head = f"{self.outlet:<10} {self.scope:<16} {self.name:<28}"
        if self.status == "ok":
            return f"{head} ok: {self.detail}"
        return f"{head} {'DRIFT' if self.status == 'drift' else 'skip'}: {self.detail}"


class BudgetSpent(Exception):
    pass


@dataclass
class Fetcher:
    """urllib with robots.txt, a minimum interval per origin and a request budget per outlet."""
    user_agent: str
    interval: float = 1.0
    max_requests: int = 30
    timeout: float = 20.0
    used: int = 0
    robots: dict = field(default_factory=dict)
    last: dict = field(default_factory=dict)

    def allowed(self, url: str) -> bool:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        return origin not in self.robots or self.robots[origin].can_fetch(self.user_agent, url)

    def get(self, url: str, check_robots: bool = True) -> tuple[int, bytes, str]:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        if check_robots and not self.allowed(url):
            return -1, b"", "disallowed by robots.txt"
        if self.used >= self.max_requests:
            raise BudgetSpent(f"request budget of {self.max_requests} spent")
        wait = self.last.get(origin, 0) + self.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.used += 1
        self.last[origin] = time.monotonic()
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read(8 * 1024 * 1024), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            return exc.code, b"", f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            return 0, b"", f"not reachable ({getattr(exc, 'reason', exc)})"


class OutletCheck:
    def __init__(self, outlet: Outlet, fetcher: Fetcher, bases: dict[str, str], today: date, max_age_days: int):
        self.outlet, self.fetcher, self.today, self.max_age = outlet, fetcher, today, max_age_days
        self.bases = {s.key: (bases.get(s.key) or s.base_url).rstrip("/") for s in outlet.sites}
        self.origin_map = {}   # real origins named in pages -> the base URL checked
        for site in outlet.sites:
            for real in (site.base_url, *site.aliases):
                host = urlsplit(real).netloc
                for scheme in ("http", "https"):
                    self.origin_map[f"{scheme}://{host}"] = self.bases[site.key]
        self.checks: list[Check] = []
        # the newest three articles per edition, fewer when the budget would not reach every edition
        fixed = sum(1 + len(s.sitemaps) + sum(len(e.feeds) + len(e.sitemaps) + min(1, len(e.listings))
                                              for e in s.editions) for s in outlet.sites)
        editions = sum(len(s.editions) for s in outlet.sites)
        self.per_edition = max(1, min(ARTICLES_PER_EDITION, (fetcher.max_requests - fixed) // max(1, editions)))

    def add(self, scope: str, name: str, ok: bool, detail: str, url: str = "") -> None:
        self.checks.append(Check(self.outlet.name, scope, name, "ok" if ok else "drift", detail, url))

    def local(self, url: str) -> str:
        parts = urlsplit(url)
        base = self.origin_map.get(f"{parts.scheme}://{parts.netloc}".lower())
        return base + url[len(f"{parts.scheme}://{parts.netloc}"):] if base else url

    def is_article(self, url: str) -> bool:
        return self.outlet.is_article_path(self.outlet.story_path(urlsplit(url).path))

    # -- checks ----------------------------------------------------------------------------
    def run(self) -> list[Check]:
        for site in self.outlet.sites:
            try:
                self.check_site(site)
            except BudgetSpent as spent:
                self.checks.append(Check(self.outlet.name, site.key, "remaining checks", "skip", str(spent)))
        return self.checks

    def check_site(self, site) -> None:
        base = self.bases[site.key]
        status, body, note = self.fetcher.get(base + "/robots.txt", check_robots=False)
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(body.decode("utf-8", "replace").splitlines() if status == 200 else [])
        self.fetcher.robots["{0.scheme}://{0.netloc}".format(urlsplit(base))] = parser
        self.add(site.key, "robots.txt", status == 200 or status == 404,
                 "readable" if status == 200 else ("none (everything allowed)" if status == 404 else
                                                   f"expected robots.txt, found {note or f'HTTP {status}'}"),
                 base + "/robots.txt")
        for sitemap in site.sitemaps:
            self.check_sitemap(site.key, base + sitemap)
        for edition in site.editions:
            scope = f"{site.key}:{edition.lang}"
            found: list[tuple[datetime | None, str]] = []
            for path in edition.feeds:
                found += self.check_feed(scope, base + path)
            for path in edition.sitemaps:
                found += self.check_sitemap(scope, base + path)
            for path in edition.listings[:1]:
                found += self.check_listing(scope, base + path)
            self.check_articles(site, edition, scope, found)

    def _recent(self, dates: list[datetime]) -> tuple[bool, str]:
        if not dates:
            return False, "no item dates"
        newest = max(dates).astimezone(self.outlet.zone).date()
        return self.today - newest <= timedelta(days=self.max_age), f"newest {newest}"

    def check_feed(self, scope: str, url: str) -> list:
        name = f"feed {urlsplit(url).path}"
        status, body, note = self.fetcher.get(url)
        if status != 200:
            self.add(scope, name, False, f"expected an RSS/Atom feed at {url}, found {note or f'HTTP {status}'} "
                     "(moved? update the edition's feeds in the registry)", url)
            return []
        root = self._xml(body)
        is_feed = root is not None and local_name(root.tag) in ("rss", "feed", "RDF")
        zone = self.outlet.utc_offset
        items = [(parse_machine_date(when, zone), link) for link, when in feed_entries(root)] if is_feed else []
        return self._items(scope, name, url, items, "feed items")

    def check_sitemap(self, scope: str, url: str) -> list:
        name = f"sitemap {urlsplit(url).path}"
        status, body, note = self.fetcher.get(url)
        root = self._xml(body) if status == 200 else None
        kind = local_name(root.tag) if root is not None else ""
        zone = self.outlet.utc_offset
        if kind not in ("urlset", "sitemapindex"):
            self.add(scope, name, False, f"expected a sitemap at {url}, found "
                     f"{note or (f'<{kind}>' if kind else 'no XML') if status == 200 else note or f'HTTP {status}'}", url)
            return []
        if kind == "sitemapindex":
            children = [(parse_machine_date(child_text(n, "lastmod"), zone), child_text(n, "loc")) for n in root]
            children = [c for c in children if c[1]]
            ok, newest = self._recent([d for d, _ in children if d])
            self.add(scope, name, bool(children) and ok,
                     f"index of {len(children)} sitemaps, {newest}" if children and ok else
                     f"expected child sitemaps changed in the last {self.max_age} days, found "
                     f"{len(children)} children, {newest}", url)
            return []
        items = [(parse_machine_date(child_text(n, "publication_date") or child_text(n, "lastmod"), zone),
                  child_text(n, "loc")) for n in root]
        return self._items(scope, name, url, items, "sitemap URLs")

    def _items(self, scope: str, name: str, url: str, items: list, what: str) -> list:
        items = [(d, self.local(urljoin(url, link))) for d, link in items if link]
        articles = [(d, link) for d, link in items if self.is_article(link)]
        ok, newest = self._recent([d for d, _ in articles if d])
        if not items:
            self.add(scope, name, False, f"expected {what}, found none", url)
        elif not articles:
            self.add(scope, name, False, f"expected {what} matching the registry's article pattern, found 0 of "
                     f"{len(items)} (e.g. {urlsplit(items[0][1]).path}): new URL shape?", url)
        elif not ok:
            self.add(scope, name, False, f"expected items of the last {self.max_age} days, found {newest}", url)
        else:
            self.add(scope, name, True, f"{len(articles)} article links, {newest}", url)
        return items

    def check_listing(self, scope: str, url: str) -> list:
        from lexwatch.crawler.dates import parse_dateline
        name = f"listing {urlsplit(url).path}"
        listing = self.outlet.listing
        status, body, note = self.fetcher.get(url)
        if status != 200:
            self.add(scope, name, False, f"expected a listing page at {url}, found {note or f'HTTP {status}'}", url)
            return []
        page = Selector(text=body.decode("utf-8", "replace"))
        items = []
        for item in page.css(listing.item):
            link = item.css(listing.link).get()
            day = parse_dateline(" ".join(t.strip() for t in item.css(f"{listing.date} ::text").getall()),
                                 self.outlet.utc_offset)
            items.append((day, self.local(urljoin(url, link)) if link else None))
        linked = [i for i in items if i[1] and self.is_article(i[1])]
        dated = [i for i in linked if i[0]]
        if not items:
            self.add(scope, name, False, f"expected items at '{listing.item}', found none (classes renamed? "
                     "update the registry's [listing] selectors)", url)
        elif not linked:
            self.add(scope, name, False, f"expected article links at '{listing.link}' in {len(items)} items, found none", url)
        elif not dated:
            self.add(scope, name, False, f"expected dates at '{listing.date}' in {len(linked)} items, found none", url)
        else:
            self.add(scope, name, True, f"{len(linked)} items with links, {len(dated)} dated", url)
        return [i for i in items if i[1]]

    def check_articles(self, site, edition, scope: str, found: list) -> None:
        candidates, seen = [], set()
        epoch = datetime(1970, 1, 1, tzinfo=self.outlet.zone)
        for day, link in sorted(found, key=lambda i: i[0] or epoch, reverse=True):
            link = link.split("#")[0]
            if link not in seen and urlsplit(link).netloc == urlsplit(self.bases[site.key]).netloc \
                    and self.fetcher.allowed(link):   # a page robots.txt forbids is not ours to check
                seen.add(link)
                candidates.append(link)
        if not candidates:
            self.add(scope, "articles", False, "expected article links from the feeds, sitemaps or listing, found none")
            return
        for number, url in enumerate(candidates[:self.per_edition], start=1):
            self.check_article(scope, f"article {number}", url, edition.lang)

    def check_article(self, scope: str, name: str, url: str, lang: str) -> None:
        from lexwatch.nlp import AnalysisError, analyze_page
        self.add(scope, f"{name} url", self.is_article(url),
                 "matches the article pattern" if self.is_article(url) else
                 f"expected a URL matching the registry's article_paths, found {urlsplit(url).path}", url)
        status, body, note = self.fetcher.get(url)
        if status != 200:
            self.add(scope, f"{name} page", False, f"expected the article page, found {note or f'HTTP {status}'}", url)
            return
        try:
            article = analyze_page(body, url, outlet=self.outlet.name, edition=lang)
        except AnalysisError as exc:
            self.add(scope, f"{name} body", False, f"expected an article, found {exc}", url)
            return
        page = Selector(text=body.decode("utf-8", "replace"))
        selectors = self.outlet.selectors_on(self.today)
        self.add(scope, f"{name} title", bool(article.title), f"{article.title[:60]!r}" if article.title
                 else "expected a title, found none", url)
        source = self.date_source(page, url, selectors)
        expected = ("expected a publication date (JSON-LD, article:published_time, "
                    f"{repr(selectors.date) if selectors and selectors.date else 'a dateline'} or the URL), found ")
        self.add(scope, f"{name} date", bool(article.published_at and source),
                 f"{article.published_at} from {source}" if article.published_at and source else
                 expected + (f"only a guess ({article.published_at})" if article.published_at else "none"), url)
        body_found = not (selectors and selectors.body) or bool(page.css(selectors.body))
        long_enough = len(article.body) >= MIN_BODY_CHARS
        self.add(scope, f"{name} body", body_found and long_enough,
                 f"{len(article.body)} characters" if body_found and long_enough else
                 (f"expected the body at {selectors.body!r}, found no such element (classes renamed? add a "
                  "[[selectors]] version to the registry)" if not body_found else
                  f"expected at least {MIN_BODY_CHARS} characters of body, found {len(article.body)}"), url)
        self.add(scope, f"{name} language", article.language == lang,
                 lang if article.language == lang else f"expected the edition's language {lang}, found {article.language}", url)
        leaked = [t for sel in (selectors.teaser if selectors else ()) for t in page.css(f"{sel} a::text").getall()
                  if len(t.strip()) >= 20 and t.strip() in article.body]
        self.add(scope, f"{name} teasers", not leaked, "no teaser text in the body" if not leaked else
                 f"expected no text of teaser blocks in the body, found {leaked[0][:60]!r}", url)

    def date_source(self, page: Selector, url: str, selectors) -> str | None:
        for raw in page.css('script[type="application/ld+json"]::text').getall():
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("datePublished"):
                return "JSON-LD datePublished"
        if page.css('meta[property="article:published_time"]::attr(content)').get():
            return "meta article:published_time"
        if selectors and selectors.date and "".join(page.css(f"{selectors.date} ::text").getall()).strip():
            return f"markup {selectors.date!r}"
        if self.outlet.day_in_path(self.outlet.story_path(urlsplit(url).path)):
            return "the URL's day"
        return None

    @staticmethod
    def _xml(body: bytes):
        try:
            return etree.fromstring(body, parser=XML_PARSER)
        except (etree.XMLSyntaxError, ValueError):
            return None


def check_sites(names: list[str] | None = None, base_urls: dict[str, str] | None = None, *,
                today: date | None = None, interval: float = 1.0, max_requests: int = 30,
                max_age_days: int = 3, user_agent: str | None = None) -> list[Check]:
    """Run every check of the outlets named (default: all); outlets run side by side, each with its
    own budget, each site at most one request per `interval` seconds."""
    registry = outlets()
    unknown = sorted(set(names or []) - set(registry))
    if unknown:
        raise ValueError(f"unknown outlet(s) {', '.join(unknown)}; the registry has {', '.join(registry)}")
    if user_agent is None:
        from lexwatch.crawler.settings import USER_AGENT as user_agent
    results: dict[str, list[Check]] = {}

    def one(name: str) -> None:
        outlet = registry[name]
        day = today or datetime.now(outlet.zone).date()
        fetcher = Fetcher(user_agent, interval=interval, max_requests=max_requests)
        results[name] = OutletCheck(outlet, fetcher, base_urls or {}, day, max_age_days).run()

    threads = [threading.Thread(target=one, args=(n,)) for n in (names or list(registry))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [c for n in (names or list(registry)) for c in results.get(n, [])]


def as_json(checks: list[Check]) -> str:
    return json.dumps([asdict(c) for c in checks], ensure_ascii=False, indent=1)
