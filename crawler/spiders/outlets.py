"""One spider class per outlet of the registry (lexwatch/outlets/*.toml), made at import.

Scrapy's spider loader lists the classes a module defines, so `scrapy list` and `lexwatch crawl`
show every outlet by name; the discovery logic is `news.NewsSpider`'s, driven by the outlet's data.
Adding an outlet is adding its registry file: no spider code.
"""
from __future__ import annotations

from lexwatch.crawler.publishers import PUBLISHERS
from lexwatch.crawler.spiders.news import NewsSpider


def spider_class(name: str) -> type[NewsSpider]:
    outlet = PUBLISHERS[name]
    class_name = "".join(part.capitalize() for part in name.split("-")) + "Spider"
    doc = f"{outlet.title}.\n\n{outlet.notes}\n\nRegistry file: {outlet.source}"
    return type(class_name, (NewsSpider,), {"name": name, "__doc__": doc, "__module__": __name__})


for _name in PUBLISHERS:
    _cls = spider_class(_name)
    globals()[_cls.__name__] = _cls
del _name, _cls
