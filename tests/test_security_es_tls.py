"""Connecting to a secured Elasticsearch: credentials and trust from the environment or the settings
file, through a real TLS endpoint (nginx proxying to the run's Elasticsearch, tests/conftest_tls.py).
Each way of failing gives one line naming what failed, and writes nothing."""
from __future__ import annotations

import uuid

import pytest

from lexwatch.cli import main
from lexwatch.index.es_store import ElasticsearchStore
from lexwatch.index.store import StoreError
from tests.conftest_tls import API_KEY, API_KEY_ID, PASSWORD, USER

pytestmark = pytest.mark.es

ES_ENV = ("LEXWATCH_ES_API_KEY", "LEXWATCH_ES_USER", "LEXWATCH_ES_PASSWORD", "LEXWATCH_ES_CA_CERTS",
          "LEXWATCH_ES_FINGERPRINT", "LEXWATCH_ES_INSECURE", "LEXWATCH_CONFIG")


@pytest.fixture
def env(monkeypatch):
    for name in ES_ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def alias(es_url):
    """A fresh alias; afterwards whatever a test made under it is deleted from the real server."""
    from elasticsearch import Elasticsearch
    name = f"lexwatch-tls-{uuid.uuid4().hex[:10]}"
    yield name
    client = Elasticsearch(es_url)
    client.options(ignore_status=404).indices.delete(index=f"{name}*", expand_wildcards="all")
    client.close()


def nothing_written(es_url: str, alias: str) -> bool:
    from elasticsearch import Elasticsearch
    client = Elasticsearch(es_url)
    try:
        return client.indices.get(index=f"{alias}*", expand_wildcards="all") == {}
    finally:
        client.close()


def write_one(url: str, articles) -> int:
    with ElasticsearchStore(url, max_retries=0) as store:
        store.upsert(articles[:3])
        return store.count()


def test_user_and_password_from_the_environment_with_the_ca(secured_es, env, alias, articles):
    env.setenv("LEXWATCH_ES_USER", USER)
    env.setenv("LEXWATCH_ES_PASSWORD", PASSWORD)
    env.setenv("LEXWATCH_ES_CA_CERTS", secured_es.ca_certs)
    assert write_one(f"{secured_es.url}/{alias}", articles) == 3


def test_password_in_the_url_and_the_ca_fingerprint_elasticsearch_prints(secured_es, env, alias, articles):
    # ES 8/9 print "HTTP CA certificate SHA-256 fingerprint" at first start: the CA's, colon-separated or not
    pin = ":".join(secured_es.ca_fingerprint[i:i + 2] for i in range(0, 64, 2)).upper()
    env.setenv("LEXWATCH_ES_FINGERPRINT", pin)
    assert write_one(f"https://{USER}:{PASSWORD}@{secured_es.url.removeprefix('https://')}/{alias}", articles) == 3


def test_api_key_and_server_fingerprint_from_the_settings_file(secured_es, env, alias, articles, tmp_path):
    config = tmp_path / "lexwatch.toml"
    config.write_text(f'[elasticsearch]\napi_key = "{API_KEY}"\nfingerprint = "{secured_es.server_fingerprint}"\n')
    env.setenv("LEXWATCH_CONFIG", str(config))
    assert write_one(f"{secured_es.url}/{alias}", articles) == 3


def test_api_key_as_id_and_key(secured_es, env, alias, articles):
    from tests.conftest_tls import API_KEY_SECRET
    env.setenv("LEXWATCH_ES_API_KEY", f"{API_KEY_ID}:{API_KEY_SECRET}")
    env.setenv("LEXWATCH_ES_CA_CERTS", secured_es.ca_certs)
    assert write_one(f"{secured_es.url}/{alias}", articles) == 3


def test_verification_off_only_when_asked_and_warned_every_time(secured_es, env, alias, articles, capsys):
    env.setenv("LEXWATCH_ES_API_KEY", API_KEY)
    env.setenv("LEXWATCH_ES_INSECURE", "1")
    for _ in range(2):
        assert write_one(f"{secured_es.url}/{alias}", articles) == 3
    warnings = [line for line in capsys.readouterr().err.splitlines() if "verification is OFF" in line]
    assert len(warnings) == 2 and secured_es.url in warnings[0]


@pytest.mark.parametrize("case, expected", [
    ("wrong password", "rejected the user and password (LEXWATCH_ES_USER / LEXWATCH_ES_PASSWORD or the URL)"),
    ("wrong key", "rejected the API key (LEXWATCH_ES_API_KEY)"),
    ("no credentials", "wants credentials"),
    ("unknown CA", "its TLS certificate is not trusted (self-signed certificate in certificate chain)"),
    ("no CA given", "its TLS certificate is not trusted"),
    ("wrong fingerprint", "its TLS certificate does not match the pinned fingerprint (LEXWATCH_ES_FINGERPRINT)"),
])
def test_each_failure_is_one_line_naming_it_and_nothing_is_written(secured_es, es_url, env, alias, articles,
                                                                    case, expected):
    env.setenv("LEXWATCH_ES_CA_CERTS", secured_es.ca_certs)
    env.setenv("LEXWATCH_ES_USER", USER)
    env.setenv("LEXWATCH_ES_PASSWORD", PASSWORD)
    if case == "wrong password":
        env.setenv("LEXWATCH_ES_PASSWORD", "not-" + PASSWORD)
    elif case == "wrong key":
        env.setenv("LEXWATCH_ES_API_KEY", "bm90LWEta2V5Om5vcGU=")
    elif case == "no credentials":
        env.delenv("LEXWATCH_ES_USER")
    elif case == "unknown CA":
        env.setenv("LEXWATCH_ES_CA_CERTS", secured_es.other_ca_certs)
    elif case == "no CA given":
        env.delenv("LEXWATCH_ES_CA_CERTS")
    elif case == "wrong fingerprint":
        env.delenv("LEXWATCH_ES_CA_CERTS")
        env.setenv("LEXWATCH_ES_FINGERPRINT", "ab" * 32)
    with pytest.raises(StoreError) as failed:
        write_one(f"{secured_es.url}/{alias}", articles)
    message = str(failed.value)
    assert expected in message and "\n" not in message
    assert message.startswith(f"Elasticsearch at {secured_es.url}")
    assert PASSWORD not in message and "not-" + PASSWORD not in message
    assert nothing_written(es_url, alias)


def test_cli_prints_the_failure_as_one_line(secured_es, env, alias, capsys):
    env.setenv("LEXWATCH_ES_CA_CERTS", secured_es.ca_certs)
    env.setenv("LEXWATCH_ES_PASSWORD", "wrong-" + PASSWORD)
    assert main(["search", "deepfake", "--store", f"https://{USER}@{secured_es.url[8:]}/{alias}"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"lexwatch search: error: Elasticsearch at {secured_es.url} rejected the user and password")
    assert "\n" not in err and PASSWORD not in err


@pytest.mark.parametrize("setting, value, expected", [
    ("LEXWATCH_ES_FINGERPRINT", "12:34", "LEXWATCH_ES_FINGERPRINT is not a SHA-256 fingerprint"),
    ("LEXWATCH_ES_CA_CERTS", "/nonexistent/ca.crt", "CA certificate file /nonexistent/ca.crt (LEXWATCH_ES_CA_CERTS) does not exist"),
    ("LEXWATCH_ES_USER", "elastic", "Elasticsearch user 'elastic' is set but no password (LEXWATCH_ES_PASSWORD)"),
    ("LEXWATCH_CONFIG", "/nonexistent/lexwatch.toml", "cannot read the settings file /nonexistent/lexwatch.toml"),
])
def test_unusable_settings_are_named_before_any_request(env, setting, value, expected):
    env.setenv(setting, value)
    with pytest.raises(StoreError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        ElasticsearchStore("https://127.0.0.1:9/lexwatch")


def test_trust_settings_need_https(env):
    env.setenv("LEXWATCH_ES_FINGERPRINT", "ab" * 32)
    with pytest.raises(StoreError, match="LEXWATCH_ES_FINGERPRINT is set but the store URL is not https://"):
        ElasticsearchStore("http://127.0.0.1:9/lexwatch")
