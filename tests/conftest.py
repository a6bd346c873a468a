"""Shared fixtures. Elasticsearch fixtures live in tests/conftest_es.py (the `es` marker)."""
from __future__ import annotations

import pytest

from lexwatch.index.sqlite_store import SqliteStore
from tests.corpus import corpus

pytest_plugins = ["tests.conftest_es"]


@pytest.fixture
def sqlite_store(tmp_path):
    store = SqliteStore(f"sqlite:///{tmp_path}/lexwatch.db")
    yield store
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("es", marks=pytest.mark.es)])
def store(request):
    """The contract suite runs once per Store implementation."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_store")
    return request.getfixturevalue("es_store")()


@pytest.fixture
def articles():
    return corpus()
