"""Kursiv Media (WordPress): kz.kursiv.media (Russian root, /kk/ Kazakh, /en/ English) and the
Uzbekistan edition uz.kursiv.media (Russian root, /en/), two sites under one outlet.

Known (public crawlers): article URLs /{YYYY-MM-DD}/{slug}/, the English ones under /en/
(uz.kursiv.media/en/2026-08-30/...); RSS at /feed/; per-language sitemap indexes
/sitemaps/{ru,kk,en}/sitemap.xml on kz.kursiv.media; listing dates printed as 06.07.2025.
Assumed: the same sitemap layout on uz.kursiv.media, feeds per edition (/en/feed/), category
listings /category/{name}/ with WordPress /page/{n}/ pagination and a.next.page-numbers links.
The Uzbek-language section of uz.kursiv.media is not crawled (not a monitored language).
The uz site's base URL is the LEXWATCH_BASE_URLS key `kursiv-uz`.
"""
from lexwatch.crawler.spiders.news import NewsSpider


class KursivSpider(NewsSpider):
    name = "kursiv"
