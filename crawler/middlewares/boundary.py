"""Keep a spider on its own sites: requests to any other origin (scheme, host *and port*) are dropped.

Scrapy's OffsiteMiddleware compares host names only, which cannot tell two replicas on
127.0.0.1 apart, and lets `dont_filter` requests through; this one checks every request,
redirect targets included. The allowed origins are the spider's `site_origins`.
"""
from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest

from lexwatch.crawler.publishers import origin

logger = logging.getLogger(__name__)


class SiteBoundaryMiddleware:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.reported: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        allowed = getattr(self.crawler.spider, "site_origins", None)
        if not allowed:
            return None
        where = origin(request.url)
        if where in allowed:
            return None
        self.crawler.stats.inc_value("lexwatch/offsite_dropped")
        if request.meta.get("redirect_urls"):   # a page of ours that moved elsewhere: worth a line
            logger.warning("%s redirects off-site to %s: not followed", request.meta["redirect_urls"][0], request.url)
            raise IgnoreRequest(f"redirect off-site: {request.url}")
        if where not in self.reported:
            self.reported.add(where)
            logger.debug("not following off-site link to %s (%s)", where, request.url)
        raise IgnoreRequest(f"off-site: {request.url}")
