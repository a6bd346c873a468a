"""Retries that honour the server's Retry-After on 429 and 503.

Replaces Scrapy's RetryMiddleware (same settings: RETRY_ENABLED, RETRY_TIMES, RETRY_HTTP_CODES).
A 429/503 with Retry-After waits that long (seconds or an HTTP date) before the retry is issued,
without blocking other downloads; a wait longer than LEXWATCH_RETRY_AFTER_MAX seconds gives the
page up for this run instead (the server asked us to stay away; the next run tries again). The
moment it asked us to stay away until is kept in the stat `lexwatch/retry_after_until` (epoch
seconds), so `lexwatch watch` does not poll the outlet before then.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet import reactor
from twisted.internet.task import deferLater

HONOURED = (429, 503)
logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("LEXWATCH_RETRY_AFTER_MAX", 600.0)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        reason = response_status_message(response.status)
        wait = retry_after_seconds(response.headers.get(b"Retry-After")) if response.status in HONOURED else None
        if wait is not None:
            if wait > self.max_wait:
                self.crawler.stats.inc_value("lexwatch/retry_after_too_long")
                self.crawler.stats.max_value("lexwatch/retry_after_until", time.time() + wait)
                logger.warning("%s answered %d asking to wait %.0f s (Retry-After), more than "
                               "LEXWATCH_RETRY_AFTER_MAX=%.0f: given up for this run", request.url, response.status,
                               wait, self.max_wait)
                return response
            retry = self._retry(request, reason)
            if retry is None:
                return response
            self.crawler.stats.inc_value("lexwatch/retry_after_waits")
            await maybe_deferred_to_future(deferLater(reactor, wait))
            return retry
        return self._retry(request, reason) or response
