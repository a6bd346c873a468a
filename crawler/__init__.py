"""lexwatch's Scrapy project: spiders for the monitored outlets, crawl policy and capture.

Entry points: `crawler.run.crawl()` (a crawl in a child process, returns stats),
`crawler.run.crawl_in_process()` (what `lexwatch crawl` runs), `crawler.replicas.start_replicas()`
(local copies of the outlets' sites). Defaults: crawler/settings.py. Its benchmarks live with the
`bench` command (lexwatch/bench/crawl.py, lexwatch/bench/frontier.py).
"""
