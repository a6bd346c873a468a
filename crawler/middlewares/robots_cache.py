"""robots.txt kept between crawls for LEXWATCH_ROBOTS_TTL seconds, in the crawl state.

`lexwatch watch` starts a crawl every few minutes; asking every site for robots.txt at each poll
would double the cost of a poll where nothing changed (one conditional request per feed or
sitemap). Within the TTL the robots middleware gets the stored copy instead of a request; after it
the file is fetched again (and a 5xx is never stored: the next crawl asks again). Crawlers commonly
cache robots.txt for up to a day (RFC 9309 section 2.4 says no more than 24 hours).
Settings: LEXWATCH_ROBOTS_TTL (seconds; 0, the default, turns the cache off: every crawl fetches it).
Runs before the robots middleware's requests reach the network (priority below 100 is not needed:
the robots middleware sends its request through the whole downloader chain).
"""
from __future__ import annotations

import time

from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from lexwatch.crawler.context import CrawlContext

SCHEMA = """CREATE TABLE IF NOT EXISTS robots_cache (url TEXT PRIMARY KEY, status INTEGER NOT NULL,
    body BLOB NOT NULL, fetched_at REAL NOT NULL)"""
MAX_TTL = 24 * 3600


class RobotsCacheMiddleware:
    def __init__(self, crawler, context: CrawlContext, ttl: float) -> None:
        self.crawler, self.context, self.ttl = crawler, context, min(ttl, MAX_TTL)
        self._ready = False

    @classmethod
    def from_crawler(cls, crawler):
        ttl = crawler.settings.getfloat("LEXWATCH_ROBOTS_TTL", 0)
        context = CrawlContext.of(crawler)
        if ttl <= 0 or not context.state_path:
            raise NotConfigured("robots.txt is fetched by every crawl")
        return cls(crawler, context, ttl)

    @property
    def db(self):
        db = self.context.state.db
        if not self._ready:
            db.execute(SCHEMA)
            self._ready = True
        return db

    @staticmethod
    def is_robots(request) -> bool:
        return request.url.endswith("/robots.txt") and request.meta.get("dont_obey_robotstxt")

    def process_request(self, request):
        if not self.is_robots(request):
            return None
        row = self.db.execute("SELECT status, body, fetched_at FROM robots_cache WHERE url=?",
                              (request.url,)).fetchone()
        if row is None or time.time() - row[2] > self.ttl:
            return None
        self.crawler.stats.inc_value("lexwatch/robots_cached")
        request.meta["lw_robots_cached"] = True
        return Response(request.url, status=row[0], body=row[1], request=request)

    def process_response(self, request, response):
        if self.is_robots(request) and not request.meta.get("lw_robots_cached") and response.status < 500:
            self.db.execute("INSERT OR REPLACE INTO robots_cache VALUES (?,?,?,?)",
                            (request.url, response.status, response.body, time.time()))
        return response
