"""Every default of the lexwatch crawler, politeness first. Runs override them per crawl
(crawler/run.py) and tests override the timing ones; nothing else sets a default.
"""
import os

from lexwatch.crawler.publishers import default_base_urls

BOT_NAME = "lexwatch"
SPIDER_MODULES = ["lexwatch.crawler.spiders"]
NEWSPIDER_MODULE = "lexwatch.crawler.spiders"

# -- politeness ------------------------------------------------------------------------------
LEXWATCH_CONTACT_URL = os.environ.get("LEXWATCH_CONTACT_URL", "https://lexwatch.invalid/crawler")
USER_AGENT = f"lexwatch/0.1 (legal-news monitoring for policy research; +{LEXWATCH_CONTACT_URL})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# -- bounded work ----------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024   # news pages are < 1 MB; anything far bigger is not one
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
LEXWATCH_SITEMAP_MAXSIZE = 64 * 1024 * 1024   # the sitemap protocol allows 50 MB uncompressed
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
LEXWATCH_RETRY_AFTER_MAX = 600       # seconds; a longer Retry-After gives the page up for this run
REDIRECT_MAX_TIMES = 5
# Per response Scrapy starts CONCURRENT_ITEMS tasks to work through the spider's output (100 by
# default); a page yields one article or a few links, so 100 tasks a page was pure overhead.
CONCURRENT_ITEMS = 16
# The check re-reads a callback's source on every response (its cache misses bound methods).
WARN_ON_GENERATOR_RETURN_VALUE = False
LEXWATCH_MAX_PAGES = 200             # pages followed in one listing chain
LEXWATCH_ARCHIVE_MAX_DAYS = 62       # dated archives are read for windows up to this many days
LEXWATCH_MAX_ATTEMPTS = 3            # runs a pending article or listing page is tried in

# -- components ------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,   # host-only; ours checks ports too
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "lexwatch.crawler.middlewares.robots.SharedRobotsTxtMiddleware": 100,     # Scrapy 2.19's lets waiters through
    "lexwatch.crawler.middlewares.boundary.SiteBoundaryMiddleware": 50,
    "lexwatch.crawler.middlewares.robots_cache.RobotsCacheMiddleware": 90,   # LEXWATCH_ROBOTS_TTL > 0 only
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "lexwatch.crawler.middlewares.retry_after.RetryAfterMiddleware": 550,
    "lexwatch.crawler.middlewares.conditional.ConditionalGetMiddleware": 560,
    "lexwatch.crawler.middlewares.frontier.ArticleFetchMiddleware": 650,   # nearer the wire than redirects: sees 301s
}
SPIDER_MIDDLEWARES = {
    "lexwatch.crawler.middlewares.frontier.FrontierMiddleware": 800,
}
ITEM_PIPELINES = {
    "lexwatch.crawler.pipelines.warc.WarcCapturePipeline": 100,
    "lexwatch.crawler.pipelines.analyze.AnalyzePipeline": 300,
    "lexwatch.crawler.pipelines.window.WindowFilterPipeline": 400,
    "lexwatch.crawler.pipelines.store.StorePipeline": 500,
}
EXTENSIONS = {
    "lexwatch.crawler.extensions.JobdirGuard": 0,
}

# -- lexwatch --------------------------------------------------------------------------------
LEXWATCH_BASE_URLS = default_base_urls()   # site key -> base URL; replicas override per key
LEXWATCH_STORE = os.environ.get("LEXWATCH_STORE")
LEXWATCH_STATE_PATH = None                 # default: <store>.crawl-state.db beside a SQLite store
LEXWATCH_STORE_BATCH = 20
LEXWATCH_SPOOL_PATH = None                 # articles the store could not take: default <crawl state>.spool.db
LEXWATCH_SPOOL_RETRY = 30                  # seconds between attempts while the store is away (crawler/spool.py)
LEXWATCH_ANALYZE_WORKERS = None            # >0: analyze in that many worker processes; 0: in the crawl process; None: 1 on 2+ cores
LEXWATCH_FRONTIER = os.environ.get("LEXWATCH_FRONTIER")   # redis://host:6379/0 shares the crawl (crawler/frontier.py)
LEXWATCH_WARC_DIR = None
LEXWATCH_ROBOTS_TTL = 0                    # seconds robots.txt is reused between crawls (lexwatch watch: 3600)
LEXWATCH_WARC_MAX_BYTES = 256 * 1024 * 1024

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
