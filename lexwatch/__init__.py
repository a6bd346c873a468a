"""lexwatch: monitor how countries regulate deepfakes and AI-generated media.

Data flows one way: crawler/ -> nlp/ -> index/ -> surfaces (lexwatch.cli, web, alerts, exports, dashboards/).
This package holds what every stage shares: the Article record, URL rules, configuration and the CLI.
"""
__version__ = "0.1.0"
SCHEMA_VERSION = 1

# In a checkout the design card's folders (crawler/, nlp/, index/, dashboards/) sit beside this
# package rather than inside it; they import as lexwatch.crawler etc. all the same. An installed
# wheel has them inside (pyproject's package-dir), and no scrapy.cfg beside it.
def _checkout_root() -> str | None:
    import os
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return root if os.path.isfile(os.path.join(root, "scrapy.cfg")) else None


if (_root := _checkout_root()) and _root not in __path__:
    __path__.append(_root)
