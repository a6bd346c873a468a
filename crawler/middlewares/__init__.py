"""Downloader and spider middlewares: network behaviour and crawl policy, never parsing."""
