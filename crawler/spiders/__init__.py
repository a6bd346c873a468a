"""One spider per outlet; the shared discovery logic is in `news.NewsSpider`."""
