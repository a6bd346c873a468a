"""The one redaction rule (lexwatch.urls.redact_url / redact): what it removes and what it keeps."""
from __future__ import annotations

import pytest

from lexwatch.urls import redact, redact_url


@pytest.mark.parametrize("url, shown", [
    ("https://elastic:secret@127.0.0.1:9243", "https://127.0.0.1:9243"),
    ("https://elastic:secret@es1:9200,es2:9200/lexwatch?layout=yearly", "https://es1:9200,es2:9200/lexwatch?layout=yearly"),
    ("https://user@host:9200/x", "https://host:9200/x"),
    ("https://u:p%40ss@host/", "https://host/"),
    ("redis://:secret@redis.local:6379/0", "redis://redis.local:6379/0"),
    ("rediss://default:secret@redis.local:6380/1", "rediss://redis.local:6380/1"),
    ("https://kibana.local:5601/?api_key=abc&space=x&token=t&auth=z", "https://kibana.local:5601/?api_key=***&space=x&token=***&auth=***"),
    ("http://127.0.0.1:9200", "http://127.0.0.1:9200"),
    ("sqlite:///./data/lexwatch.db", "sqlite:///./data/lexwatch.db"),
])
def test_redact_url(url, shown):
    assert redact_url(url) == shown


def test_redact_text_and_environment_secrets(monkeypatch):
    monkeypatch.setenv("LEXWATCH_ES_API_KEY", "c2VjcmV0LWtleQ==")
    monkeypatch.setenv("LEXWATCH_KIBANA_USER", "elastic:kibana-pass")
    line = ("Elasticsearch at https://elastic:pw1@h:9243 is unreachable; frontier redis://:pw2@r:6379/0 too; "
            "key c2VjcmV0LWtleQ== and kibana-pass leaked")
    shown = redact(line)
    assert shown == ("Elasticsearch at https://h:9243 is unreachable; frontier redis://r:6379/0 too; "
                     "key *** and *** leaked")
