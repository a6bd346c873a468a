"""Trend (trend.az) replica: one host per edition; article URLs /{region}/{category}/{id}.html."""
from markup_generic import install

install(globals(), "trend", lambda section, version, published, prefix: f"/{section}/{version['id']}.html")
