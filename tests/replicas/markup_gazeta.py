"""Gazeta.uz replica: /ru/ and /en/ editions; article URLs /{lang}/{YYYY}/{MM}/{DD}/{slug}/."""
from markup_generic import install

install(globals(), "gazeta", lambda section, version, published, prefix:
        f"{prefix}/{published:%Y/%m/%d}/{version['slug']}/")
