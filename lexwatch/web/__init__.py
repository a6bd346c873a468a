"""The analysts' web page and JSON API (`lexwatch serve`).

Why no framework: a few GET routes over one Store need only the standard library's WSGI server;
Jinja2 (already installed with spaCy) brings autoescaped templates. Pages are rendered on the
server with an inline SVG chart and no script, so the Content-Security-Policy can forbid all script.
"""
