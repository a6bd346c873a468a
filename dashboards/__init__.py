"""Kibana saved objects for lexwatch's Elasticsearch index, generated from code.

spec.py says what the dashboard shows (fields, filters, aggregations) as data; build.py turns it
into Kibana 9.3 saved objects (lexwatch.ndjson, never edited by hand); check.py turns the same spec
into Elasticsearch requests and proves them on a real server; importer.py posts the file to Kibana.
"""
