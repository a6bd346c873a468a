"""The developments' Kibana objects (dashboards/developments.py): generated file committed, fields
and the tracks-over-time histogram proved on a real Elasticsearch."""
from __future__ import annotations

import json

import pytest

from lexwatch.dashboards import developments


def test_committed_ndjson_is_the_generated_one():
    assert developments.NDJSON_PATH.read_text(encoding="utf-8") == developments.ndjson(), \
        "run `lexwatch dashboards export` and commit"


def test_the_visualization_reads_the_developments_data_view():
    view, vis = [json.loads(line) for line in developments.ndjson().splitlines()]
    assert view["type"] == "index-pattern" and view["attributes"]["timeFieldName"] == "first_day"
    assert vis["references"] == [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern",
                                  "id": view["id"]}]
    title, time_field, buckets = developments.read_buckets(developments.ndjson())
    assert (title, time_field) == ("lexwatch-developments", "first_day")
    assert [b.field for b in buckets] == ["first_day", "track_label"]


@pytest.mark.es
def test_check_proves_fields_and_the_histogram_on_elasticsearch(es_url, tmp_path):
    findings = developments.check(es_url)
    assert [f.line() for f in findings if not f.ok] == []
    assert any(f.name == "visualization 'Instrument tracks over time'" for f in findings)
    bad = tmp_path / "bad.ndjson"
    bad.write_text(developments.ndjson().replace('\\"track_label\\"', '\\"title\\"'), encoding="utf-8")
    failed = {f.name: f.detail for f in developments.check(es_url, bad) if not f.ok}
    assert "mapped as text" in failed["field title"]
    assert failed["visualization 'Instrument tracks over time'"].startswith("Elasticsearch refused the request")
    from elasticsearch import Elasticsearch
    with Elasticsearch(es_url) as es:
        assert not es.indices.get(index="*-devcheck-*", allow_no_indices=True, expand_wildcards="all")
