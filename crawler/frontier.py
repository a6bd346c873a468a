"""A crawl frontier shared by any number of crawler processes, in Redis (scrapy-redis).

With LEXWATCH_FRONTIER = redis://host:6379/0 (`lexwatch crawl --frontier URL`, or the environment
variable of that name) every process crawling an outlet takes its requests from one Redis queue
per spider and checks them against one Redis duplicate filter, so N processes on M machines split
one crawl and fetch each page once. Without the setting nothing here is loaded.

scrapy-redis 0.9.1 works with Scrapy 2.19 as released (its scheduler satisfies Scrapy's duck-typed
scheduler interface); what it lacks for several processes is added by the thin subclasses here:

- Delivery that survives a killed process. scrapy-redis pops a request and forgets it; a process
  killed mid-crawl takes its downloads and its unwritten store batch with it. SharedScheduler pops
  into a per-worker "in flight" hash in the same Redis step (a Lua script) and each worker heart-
  beats a key with a TTL. A request leaves the hash when its work is safe: a discovery page when its
  callback's requests reached the queue (SharedFrontierMiddleware), an article when the store
  accepted it (SharedStorePipeline). When a worker's heartbeat expires, any live worker moves its
  in-flight requests back into the queue (again one Lua script, so only one worker does).
  Delivery is at least once; the store's idempotent upsert makes a repeat harmless.
- Ending together. A worker whose own work ran out stays open while the queue is not empty or
  another live worker is busy (it may yet yield requests, or die and leave some); the last one to
  finish clears the run's duplicate filter, so the next crawl starts fresh (scrapy-redis either
  keeps it forever, SCHEDULER_PERSIST, or lets the first worker to finish wipe it under the others).
- Discovery once. Start requests (sitemaps, feeds, first listing pages: dont_filter) bypass the
  duplicate filter; SharedFrontierMiddleware lets only the first worker of a run schedule each.
- JSON, not pickle, in Redis: a request is rebuilt from data, never from code.

What stays per process: politeness (DOWNLOAD_DELAY, AutoThrottle, concurrency act per process, so
N workers send N times the requests per site), and the crawl state file (crawler/state.py: feed
validators, pending articles of a killed run) per machine. The store is shared and decides what
is already stored.

Settings: LEXWATCH_FRONTIER (redis URL; off when unset), LEXWATCH_FRONTIER_PREFIX (key prefix,
default "lexwatch"), LEXWATCH_FRONTIER_HEARTBEAT (seconds a silent worker counts as alive, 30).
Credentials and trust stay off the command line: LEXWATCH_FRONTIER_PASSWORD (redis://:password@host
in the URL is accepted too, and wins) and, for rediss:// (TLS), LEXWATCH_FRONTIER_CA_CERTS; or the keys
password / ca_certs of the [frontier] table of LEXWATCH_CONFIG (lexwatch/config.py). The URL is shown
only through lexwatch.urls.redact_url.
Redis keys, per spider: <prefix>:<spider>:requests (sorted set), :dupefilter, :starts (sets),
:workers (set), :worker:<id> (heartbeat), :inflight:<id> (hash).
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import socket
import uuid
from typing import Any, Iterable

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler

from lexwatch.crawler.pipelines.store import StorePipeline
from lexwatch.urls import redact_url

logger = logging.getLogger(__name__)

STORE_PIPELINE = "lexwatch.crawler.pipelines.store.StorePipeline"
DEFAULT_PREFIX = "lexwatch"
DEFAULT_HEARTBEAT = 30.0
FRONTIER_ENV = {"password": "LEXWATCH_FRONTIER_PASSWORD", "ca_certs": "LEXWATCH_FRONTIER_CA_CERTS"}
# A joining worker counts as alive this long before its first heartbeat: a crawl process opens its
# spiders one after another and loads language models meanwhile, which holds its reactor.
STARTUP_GRACE = 90


def frontier_settings(url: str, prefix: str | None = None, item_pipelines: dict | None = None) -> dict[str, Any]:
    """The Scrapy settings that put the scheduler queue and duplicate filter in Redis at `url`."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"frontier URL {redact_url(url)!r} is not redis://host:6379/0")
    prefix = prefix or DEFAULT_PREFIX
    pipelines = dict(item_pipelines or {})
    if STORE_PIPELINE in pipelines:
        pipelines["lexwatch.crawler.frontier.SharedStorePipeline"] = pipelines.pop(STORE_PIPELINE)
    return {
        "LEXWATCH_FRONTIER": url,
        "REDIS_URL": url,
        "REDIS_PARAMS": redis_params(url),
        "SCHEDULER": "lexwatch.crawler.frontier.SharedScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        "SCHEDULER_SERIALIZER": "lexwatch.crawler.frontier",   # this module's loads/dumps: JSON
        "SCHEDULER_PERSIST": True,    # SharedScheduler.close clears the run when the last worker ends
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,   # never block the reactor on an empty queue
        "SPIDER_MIDDLEWARES": {"lexwatch.crawler.frontier.SharedFrontierMiddleware": 5},
        "ITEM_PIPELINES": pipelines,
    }


def redis_params(url: str) -> dict[str, Any]:
    """Client options beside the URL: the password and, for rediss://, the CA bundle."""
    from lexwatch.config import service_settings
    settings = service_settings("frontier", FRONTIER_ENV)
    params: dict[str, Any] = {}
    if settings.get("password"):
        params["password"] = settings["password"]
    if settings.get("ca_certs"):
        if not url.startswith("rediss://"):
            raise ValueError("LEXWATCH_FRONTIER_CA_CERTS is set but the frontier URL is not rediss:// (TLS)")
        params["ssl_ca_certs"] = settings["ca_certs"]
    return params


def check_frontier(url: str) -> None:
    """Raise ValueError (one line) unless a Redis server answers at `url`."""
    import redis
    from lexwatch.config import ConfigError
    from lexwatch.urls import redact
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5, **redis_params(url))
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, ValueError, ConfigError) as exc:
        raise ValueError(redact(f"the crawl frontier {url} is not usable: {' '.join(str(exc).split())}")) from None


def apply_frontier(settings) -> None:
    """Turn the shared frontier on in a Settings object when LEXWATCH_FRONTIER is set."""
    url = settings.get("LEXWATCH_FRONTIER")
    if not url:
        return
    values = frontier_settings(url, settings.get("LEXWATCH_FRONTIER_PREFIX"),
                               settings.getdict("ITEM_PIPELINES"))
    middlewares = {**settings.getdict("SPIDER_MIDDLEWARES"), **values.pop("SPIDER_MIDDLEWARES")}
    settings.set("SPIDER_MIDDLEWARES", middlewares, priority="cmdline")
    for key, value in values.items():
        settings.set(key, value, priority="cmdline")


# -- serializer (SCHEDULER_SERIALIZER imports this module and calls loads/dumps) ----------------
def _encode(obj: Any) -> Any:
    if isinstance(obj, bytes):
        return {"__b": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj) and "__b" not in obj and "__d" not in obj:
            return {k: _encode(v) for k, v in obj.items()}
        return {"__d": [[_encode(k), _encode(v)] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return [_encode(v) for v in obj]
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    raise TypeError(f"a request for the shared frontier holds a {type(obj).__name__}: {obj!r}")


def _decode(obj: Any) -> Any:
    if isinstance(obj, dict):
        if "__b" in obj:
            return base64.b64decode(obj["__b"])
        if "__d" in obj:
            return {_decode(k): _decode(v) for k, v in obj["__d"]}
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def dumps(request_dict: dict[str, Any]) -> bytes:
    return json.dumps(_encode(request_dict), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    return _decode(json.loads(data))


# -- Redis scripts: each runs atomically on the server ------------------------------------------
# Pop the best request into this worker's in-flight hash (field = sha1 of the data, value =
# "<score>\n<data>" so that a reclaim can put it back with its priority).
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local field = redis.sha1hex(r[1])
redis.call('HSET', KEYS[2], field, r[2] .. '\\n' .. r[1])
return r[1]
"""
# Put a dead worker's in-flight requests back in the queue and forget the worker; -1 if alive.
_RECLAIM = """
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local vals = redis.call('HVALS', KEYS[1])
for _, v in ipairs(vals) do
  local i = string.find(v, '\\n', 1, true)
  redis.call('ZADD', KEYS[2], tonumber(string.sub(v, 1, i - 1)), string.sub(v, i + 1))
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[1])
return #vals
"""
# Join the run: with no other live worker a new run of start requests begins.
_JOIN = """
local live = 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if w ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. w) == 1 then live = live + 1 end
end
if live == 0 then redis.call('DEL', KEYS[2]) end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SET', KEYS[3], 'busy', 'EX', ARGV[2])
return live
"""
# Leave after a finished crawl; the last worker out (queue empty, nobody left to reclaim from)
# clears the run so that the next crawl starts with an empty duplicate filter. 1 when cleared.
_LEAVE = """
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('SREM', KEYS[1], ARGV[1])
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[2] .. w) == 1 or redis.call('HLEN', ARGV[3] .. w) > 0 then return 0 end
end
if redis.call('ZCARD', KEYS[4]) > 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[4], KEYS[5], KEYS[6])
return 1
"""


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler with worker heartbeats, in-flight tracking and a shared ending."""

    def __init__(self, *args: Any, prefix: str = DEFAULT_PREFIX, heartbeat: float = DEFAULT_HEARTBEAT,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prefix, self.ttl = prefix, max(1.0, float(heartbeat))
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.status = "busy"
        self._fields: dict[str, str] = {}     # URL of a popped request -> its in-flight field
        self._loop = None
        self.crawler = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.get("LEXWATCH_FRONTIER"):
            raise NotConfigured("SharedScheduler needs LEXWATCH_FRONTIER")
        base = Scheduler.from_settings(settings)   # parses scrapy-redis's settings, pings Redis
        scheduler = cls(server=base.server, persist=True, flush_on_start=False, queue_key=base.queue_key,
                        queue_cls=base.queue_cls, dupefilter=base.df, dupefilter_key=base.dupefilter_key,
                        dupefilter_cls=base.dupefilter_cls, idle_before_close=0, serializer=base.serializer,
                        prefix=settings.get("LEXWATCH_FRONTIER_PREFIX") or DEFAULT_PREFIX,
                        heartbeat=settings.getfloat("LEXWATCH_FRONTIER_HEARTBEAT", DEFAULT_HEARTBEAT))
        scheduler.stats, scheduler.crawler = crawler.stats, crawler
        crawler._lexwatch_frontier = scheduler
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    @staticmethod
    def of(crawler) -> "SharedScheduler | None":
        return getattr(crawler, "_lexwatch_frontier", None)

    # -- keys ------------------------------------------------------------------------------
    def key(self, name: str) -> str:
        return f"{self.prefix}:{self.spider.name}:{name}"

    def hb_key(self, worker: str) -> str:
        return self.key(f"worker:{worker}")

    def inflight_key(self, worker: str) -> str:
        return self.key(f"inflight:{worker}")

    # -- lifecycle -------------------------------------------------------------------------
    def open(self, spider):
        # scrapy-redis's open() and enqueue_request() use APIs Scrapy 2.19 deprecates (Spider.log,
        # stats with a spider argument); these two do the same without them.
        self.spider = spider
        self.queue = load_object(self.queue_cls)(server=self.server, spider=spider, key=self.queue_key,
                                                 serializer=self.serializer)
        if self.df is None:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        for name, script in (("pop", _POP), ("reclaim", _RECLAIM), ("join", _JOIN), ("leave", _LEAVE)):
            setattr(self, f"_{name}_script", self.server.register_script(script))
        others = self._join_script(keys=[self.key("workers"), self.key("starts"), self.hb_key(self.worker)],
                                   args=[self.worker, int(max(self.ttl, STARTUP_GRACE)), self.key("worker:")])
        logger.info("shared frontier %s: worker %s joined (%d other live worker(s), %d request(s) queued)",
                    self.key("*"), self.worker, others, len(self.queue), extra={"spider": spider})
        self.reclaim()
        from twisted.internet import task
        self._loop = task.LoopingCall(self.beat)
        self._loop.start(self.ttl / 3, now=False)

    def close(self, reason):
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if reason == "finished":
            cleared = self._leave_script(
                keys=[self.key("workers"), self.hb_key(self.worker), self.inflight_key(self.worker),
                      self.queue.key, self.df.key, self.key("starts")],
                args=[self.worker, self.key("worker:"), self.key("inflight:")])
            if cleared:
                logger.info("shared frontier %s: last worker out, run cleared", self.key("*"),
                            extra={"spider": self.spider})
        else:
            # stopped early: leave the in-flight requests for a live worker (or the next run) to take
            self.server.delete(self.hb_key(self.worker))

    def beat(self) -> None:
        try:
            pipe = self.server.pipeline()
            pipe.sadd(self.key("workers"), self.worker)
            pipe.set(self.hb_key(self.worker), self.status, ex=int(self.ttl))
            pipe.execute()
            self.reclaim()
        except Exception as exc:  # a Redis hiccup must not stop the heartbeat loop
            logger.warning("shared frontier heartbeat failed: %s", exc, extra={"spider": self.spider})

    # -- requests --------------------------------------------------------------------------
    def enqueue_request(self, request):
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.queue.push(request)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        data = self._pop_script(keys=[self.queue.key, self.inflight_key(self.worker)])
        if not data:
            return None
        request = self.queue._decode_request(data)
        self._fields[request.url] = hashlib.sha1(data if isinstance(data, bytes) else data.encode()).hexdigest()
        if self.status != "busy":
            self.status = "busy"
            self.server.set(self.hb_key(self.worker), "busy", ex=int(self.ttl))
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def ack(self, urls: Iterable[str]) -> None:
        """These popped requests' work is safe: they need not be redone if this worker dies."""
        fields = [f for f in (self._fields.pop(u, None) for u in urls) if f]
        if fields:
            self.server.hdel(self.inflight_key(self.worker), *fields)

    def start_taken(self, fingerprint: str) -> bool:
        """True when another worker of this run already scheduled this start request."""
        return self.server.sadd(self.key("starts"), fingerprint) == 0

    # -- other workers -----------------------------------------------------------------------
    def reclaim(self) -> int:
        """Move the in-flight requests of workers whose heartbeat expired back into the queue."""
        moved = 0
        for raw in self.server.smembers(self.key("workers")):
            worker = raw.decode() if isinstance(raw, bytes) else raw
            if worker == self.worker:
                continue
            n = self._reclaim_script(keys=[self.inflight_key(worker), self.queue.key, self.key("workers"),
                                           self.hb_key(worker)], args=[worker])
            if n > 0:
                moved += n
                logger.warning("shared frontier: worker %s stopped answering; %d of its request(s) "
                               "returned to the queue", worker, n, extra={"spider": self.spider})
                if self.stats:
                    self.stats.inc_value("lexwatch/frontier/reclaimed", n)
        return moved

    def others(self) -> dict[str, str]:
        """The other live workers of this spider and their status (busy or idle)."""
        workers = [w.decode() if isinstance(w, bytes) else w for w in self.server.smembers(self.key("workers"))]
        others = [w for w in workers if w != self.worker]
        states = self.server.mget([self.hb_key(w) for w in others]) if others else []
        return {w: (s.decode() if isinstance(s, bytes) else s) for w, s in zip(others, states) if s}

    def spider_idle(self, spider) -> None:
        """Stay open while the run may still need this worker: work is queued, another worker is
        busy (it may yield requests, or die and leave some), or another idle worker with a smaller
        id has not left yet (idle workers leave one by one, so the last one out sees nobody alive
        and clears the run, even when a worker died idle)."""
        if self.status != "idle":
            self.status = "idle"
            self.server.set(self.hb_key(self.worker), "idle", ex=int(self.ttl))
        self.reclaim()
        others = self.others()
        if len(self.queue) or "busy" in others.values() or any(w < self.worker for w in others):
            raise DontCloseSpider


class SharedFrontierMiddleware:
    """Spider middleware, next to the engine: start requests once per run, and the ack of a
    discovery page once the requests its callback yielded are in the queue."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("LEXWATCH_FRONTIER"):
            raise NotConfigured
        return cls(crawler)

    @property
    def frontier(self) -> SharedScheduler | None:
        return SharedScheduler.of(self.crawler)

    async def process_start(self, start):
        async for request in start:
            frontier = self.frontier
            if frontier is not None and getattr(request, "dont_filter", False):
                fingerprint = self.crawler.request_fingerprinter.fingerprint(request).hex()
                if frontier.start_taken(fingerprint):
                    self.crawler.stats.inc_value("lexwatch/frontier/start-taken")
                    continue
            yield request

    async def process_spider_output(self, response, result):
        async for out in result:
            yield out
        frontier = self.frontier
        if frontier is not None and response.meta.get("lw_kind") != "article":
            frontier.ack([response.request.url])


class SharedStorePipeline(StorePipeline):
    """The store pipeline, acknowledging each article once its batch is written."""

    def flush(self) -> None:
        urls = [entry.page.requested_url or entry.page.url for entry in self.batch]
        super().flush()
        frontier = SharedScheduler.of(self.crawler)
        if frontier is not None and urls:
            frontier.ack(urls)
