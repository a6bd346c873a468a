"""The Article contract: JSON Schema, stable ids, canonical URLs."""
from __future__ import annotations

import dataclasses

import jsonschema
import pytest

from lexwatch.article import Article, schema, validate
from lexwatch.urls import canonical_url
from tests.corpus import corpus


def test_schema_properties_equal_record_fields():
    assert set(schema()["properties"]) == {f.name for f in dataclasses.fields(Article)}


def test_corpus_articles_validate_and_round_trip():
    for article in corpus():
        validate(article.to_dict())
        assert Article.from_dict(article.to_dict()) == article


@pytest.mark.parametrize("field,value", [
    ("published_at", "2026-03-12 14:23"),              # no T, no offset
    ("published_at", "2026-03-12T14:23:00"),           # naive: offsets are required
    ("deepfake", {"relevant": "yes"}),
    ("outlet", None),
])
def test_schema_rejects_broken_records(field, value):
    data = corpus()[0].to_dict()
    if field == "deepfake":
        data["deepfake"].update(value)
    else:
        data[field] = value
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


def test_penalty_shape_is_enforced():
    data = corpus()[0].to_dict()
    data["deepfake"]["penalties"] = [{"kind": "fine", "min": 3000, "max": 7000, "unit": "manat"}]
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


@pytest.mark.parametrize("variant", [
    "https://report.az/en/milli-majlis/azerbaijan-may-criminalize/",
    "https://REPORT.az/en/milli-majlis/azerbaijan-may-criminalize?utm_source=telegram&utm_medium=social",
    "https://report.az/en/milli-majlis/azerbaijan-may-criminalize#comments",
    "https://report.az/en/milli-majlis/azerbaijan-may-criminalize/amp/",
    "https://report.az:443/en/milli-majlis/azerbaijan-may-criminalize?fbclid=IwAR0abc",
])
def test_url_variants_share_one_canonical_url_and_id(variant):
    base = "https://report.az/en/milli-majlis/azerbaijan-may-criminalize"
    assert canonical_url(variant) == base
    assert Article(url=variant).id == Article(url=base).id


def test_meaningful_query_parameters_are_kept():
    assert canonical_url("https://www.inform.kz/ru/archive?date=21.02.2026") != canonical_url(
        "https://www.inform.kz/ru/archive?date=22.02.2026")
    assert canonical_url("http://127.0.0.1:8081/ru/lenta/2") == "http://127.0.0.1:8081/ru/lenta/2"


def test_content_hash_ignores_whitespace_but_not_words():
    a = Article(url="https://x.test/a", title="Title", body="One  two\nthree")
    assert a.content_hash == Article(url="https://x.test/a", title="Title ", body="One two three").content_hash
    assert a.content_hash != Article(url="https://x.test/a", title="Title", body="One two four").content_hash
