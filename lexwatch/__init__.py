"""lexwatch: monitor how countries regulate deepfakes and AI-generated media.

Data flows one way: crawler/ -> nlp/ -> index/ -> surfaces (lexwatch.cli, web, alerts, exports, dashboards/).
This package holds what every stage shares: the Article record, URL rules, configuration and the CLI.
"""
__version__ = "0.1.0"
SCHEMA_VERSION = 1
