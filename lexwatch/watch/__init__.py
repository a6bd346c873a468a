"""`lexwatch watch`: poll every edition's feeds and news sitemaps, crawl what is new, alert.

sources.py  what is polled per outlet and edition (the one place that reads the outlet registry)
status.py   per outlet and edition: last poll, result, new articles, errors, next poll
service.py  the loop: a crawl per poll in a child process, alerts after it, signals, politeness
"""
