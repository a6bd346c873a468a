"""Conditional GET for feeds and sitemaps: send the remembered ETag / Last-Modified, keep new ones.

Applies to requests with meta `lw_conditional`; a 304 reaches the callback (which then has nothing
to read). Validators live in the crawl state (crawler/state.py), so they outlive the run; new
ones are committed by FrontierMiddleware after the response's links are in the durable frontier.
Disabled (NotConfigured) when there is no crawl state, i.e. no LEXWATCH_STORE/LEXWATCH_STATE_PATH.
"""
from __future__ import annotations

from scrapy.exceptions import NotConfigured

from lexwatch.crawler.context import CrawlContext


class ConditionalGetMiddleware:
    def __init__(self, crawler, context: CrawlContext) -> None:
        self.crawler = crawler
        self.context = context

    @classmethod
    def from_crawler(cls, crawler):
        context = CrawlContext.of(crawler)
        if not context.state_path:
            raise NotConfigured("no crawl state: feeds and sitemaps are fetched unconditionally")
        return cls(crawler, context)

    def process_request(self, request):
        if not request.meta.get("lw_conditional") or b"If-None-Match" in request.headers:
            return None
        request.meta.setdefault("lw_validator_key", request.url)  # redirects keep the first URL
        etag, last_modified = self.context.state.validators(request.meta["lw_validator_key"])
        if etag:
            request.headers[b"If-None-Match"] = etag
        if last_modified:
            request.headers[b"If-Modified-Since"] = last_modified
        return None

    def process_response(self, request, response):
        if not request.meta.get("lw_conditional"):
            return response
        if response.status == 304:
            self.crawler.stats.inc_value("lexwatch/not_modified")
        elif response.status == 200:
            # Kept only once the spider has read the response (FrontierMiddleware commits them): a
            # crawl killed in between must not get a 304 for a feed whose links it never saw.
            etag = response.headers.get(b"ETag")
            last_modified = response.headers.get(b"Last-Modified")
            request.meta["lw_validators"] = (request.meta.get("lw_validator_key", request.url),
                                             etag.decode("latin-1") if etag else None,
                                             last_modified.decode("latin-1") if last_modified else None)
        return response
