"""robots.txt, obeyed by every request — Scrapy's RobotsTxtMiddleware with one fix.

Scrapy 2.19's robot_parser() awaits the pending robots.txt Deferred through Deferred.asFuture(),
which consumes its result: the first request that waited gets the parser, every other request
queued for that host before robots.txt arrived gets None and is let through unchecked. Here each
waiter gets its own Deferred, relayed from the shared one (what Scrapy did before 2.13).
Settings: as Scrapy's (ROBOTSTXT_OBEY, ROBOTSTXT_PARSER, ROBOTSTXT_USER_AGENT).
"""
from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request):
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            mine: Deferred = Deferred()

            def relay(result):
                mine.callback(result)
                return result   # keep it for the next waiter

            pending.addBoth(relay)
            return await maybe_deferred_to_future(mine)
        return await super().robot_parser(request)
