"""Elasticsearch fixtures (a pytest plugin loaded by tests/conftest.py) and the `es` test count.

`es_url` comes from LEXWATCH_ES_URL (scripts/test.sh starts a server and sets it). When nothing
answers there the ES tests skip on a developer's machine, but fail under CI=true or
LEXWATCH_REQUIRE_ES=1, so a missing server can never turn into a quietly green run.
"""
from __future__ import annotations

import os
import uuid

import pytest

DEFAULT_ES_URL = "http://127.0.0.1:9200"


def _required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("LEXWATCH_REQUIRE_ES") == "1"


def _probe(url: str) -> str | None:
    """None when a healthy cluster answers at `url`, else why not."""
    from elasticsearch import Elasticsearch
    client = Elasticsearch(url, request_timeout=10, max_retries=1)
    try:
        health = client.cluster.health(wait_for_status="yellow", timeout="10s")
        if health.get("status") not in ("yellow", "green"):
            return f"cluster status is {health.get('status')}"
        return None
    except Exception as exc:  # any failure means: no usable server
        return " ".join(str(exc).split())[:200] or type(exc).__name__
    finally:
        client.close()


@pytest.fixture(scope="session")
def es_url() -> str:
    url = os.environ.get("LEXWATCH_ES_URL", DEFAULT_ES_URL).rstrip("/")
    problem = _probe(url)
    if problem:
        message = f"Elasticsearch at {url} is not usable ({problem}); start it with `make es-up`"
        if _required():
            pytest.fail(message + " [required: CI=true or LEXWATCH_REQUIRE_ES=1]", pytrace=False)
        pytest.skip(message)
    return url


@pytest.fixture
def es_store(es_url):
    """A factory: `es_store()` returns an ElasticsearchStore on a fresh alias of its own; every
    index it created is deleted after the test."""
    from lexwatch.index.es_store import ElasticsearchStore

    made = []

    def make(alias: str | None = None, base_url: str | None = None, **kwargs):
        alias = alias or f"lexwatch-test-{uuid.uuid4().hex[:12]}"
        store = ElasticsearchStore(f"{base_url or es_url}/{alias}", **kwargs)
        made.append(store)
        return store

    yield make
    for store in made:
        try:
            store.drop()
        finally:
            store.close()


# -- how many `es` tests ran ---------------------------------------------------------------------
_es_outcomes: dict[str, int] = {}


def pytest_runtest_logreport(report):
    if "es" not in report.keywords:
        return
    if report.when == "call":
        _es_outcomes[report.outcome] = _es_outcomes.get(report.outcome, 0) + 1
    elif report.when == "setup" and report.outcome != "passed":
        # a skip or error in setup: the test body never ran
        key = "skipped" if report.skipped else "error"
        _es_outcomes[key] = _es_outcomes.get(key, 0) + 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    executed = _es_outcomes.get("passed", 0) + _es_outcomes.get("failed", 0)
    details = ", ".join(f"{n} {k}" for k, n in sorted(_es_outcomes.items())) or "none selected"
    terminalreporter.write_line(f"Elasticsearch tests executed: {executed} ({details})")
