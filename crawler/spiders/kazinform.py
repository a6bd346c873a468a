"""Kazinform, www.inform.kz — Russian (/ru/), Kazakh (/kz/, language kk), English (/en/).

Known (public scrapers and feed lists): article URLs /ru/{slug}-{hex id} (6-8 hex digits) and,
before the redesign, /ru/{slug}_a{digits}; the news feed /ru/lenta paginated /ru/lenta/{n}
(items article.anounce-news, links a.anounce-news__link); the dated archive
/ru/archive?date=DD.MM.YYYY; RSS /ru/rss/; inform.kz without www serves the same pages.
Assumed: /sitemap.xml as an index of per-edition google-news and yearly sitemaps (the Chinese
edition publishes /sitemaps/google-news_cn.xml), /kz/ and /en/ feeds and archives of the same
shape, the date element of listing items. The archive is read only for windows up to
LEXWATCH_ARCHIVE_MAX_DAYS days (a day per request); longer backfills use sitemaps and the feed.
"""
from lexwatch.crawler.spiders.news import NewsSpider


class KazinformSpider(NewsSpider):
    name = "kazinform"
