"""Shared fixtures. Elasticsearch fixtures live in tests/conftest_es.py (the `es` marker)."""
from __future__ import annotations

import pytest

from lexwatch.index.sqlite_store import SqliteStore
from tests.corpus import corpus

pytest_plugins = ["tests.conftest_es", "tests.conftest_tls"]


@pytest.fixture
def sqlite_store(tmp_path):
    store = SqliteStore(f"sqlite:///{tmp_path}/lexwatch.db")
    yield store
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("es", marks=pytest.mark.es)])
def store(request):
    """The contract suite runs once per Store implementation."""
    return open_test_store(request, request.param)


def open_test_store(request, kind: str):
    """sqlite, es, or secured-es: the real Elasticsearch behind the TLS proxy of tests/conftest_tls.py."""
    if kind == "sqlite":
        return request.getfixturevalue("sqlite_store")
    return request.getfixturevalue("secured_es_store" if kind == "secured-es" else "es_store")()


@pytest.fixture
def articles():
    return corpus()
