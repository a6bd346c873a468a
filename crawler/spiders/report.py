"""Report News Agency, report.az — Azerbaijani (root), Russian (/ru/), English (/en/).

Known (public sources, the seed extract): article URLs /{category}/{slug} with no numeric id,
e.g. /en/milli-majlis/azerbaijan-may-criminalize-...; RSS per edition at /rss/, /ru/rss/,
/en/rss/; article datelines print the day ('21 fevral, 2026', '12 March, 2026') and the time
('19:22') in separate elements; pages carry a 'Latest News' sidebar with bare times and links to
the other-language versions of a story.
Assumed (to verify in a live check): a site-wide sitemap index at /sitemap.xml with news and
monthly children; the news-feed listings /xeber-lenti/, /ru/lenta-novostey/, /en/news-feed/ with
?page=N pagination; the listing markup in crawler.publishers.REPORT.
"""
from lexwatch.crawler.spiders.news import NewsSpider


class ReportSpider(NewsSpider):
    name = "report"
