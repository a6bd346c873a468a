"""The spiders: one per registry outlet (outlets.py), all of them `news.NewsSpider`."""
