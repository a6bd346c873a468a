"""No credential of a store, frontier or Kibana URL, and no secret from the environment, reaches any
output or any written file, whatever the command and whatever the server does.

Every command that can print a store, frontier or Kibana URL (the CLI commands in lexwatch/commands/
that take --store, --es, --frontier or --kibana) runs as a real process, with a secret in the URL
and secrets in the environment, against three servers: one that is down (a closed port), one that
refuses (the nginx TLS proxy of tests/conftest_tls.py given wrong credentials; redis-server with
another password), and one that accepts (the proxy, the right password in the URL). Its stdout,
stderr, the web pages `serve` answers and every file under its working directory are searched for
each secret. `demo` (its own SQLite store only), `analyze` and `eval` (no store) print no such URL.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest_tls import PASSWORD, USER
from tests.redis_server import free_port, redis_server

pytestmark = pytest.mark.es

ROOT = Path(__file__).resolve().parent.parent
URL_SECRET = "urlSecret-Kq81x"          # the password written into store / frontier / Kibana URLs
ENV_SECRETS = {"LEXWATCH_ES_PASSWORD": "envPass-Zp52w", "LEXWATCH_ES_API_KEY": "ZW52LWtleTplbnZLZXktTTd2",
               "LEXWATCH_KIBANA_API_KEY": "kibKey-Hh39q", "LEXWATCH_KIBANA_PASSWORD": "kibPass-Rr20e",
               "LEXWATCH_FRONTIER_PASSWORD": "redisPass-Ww77t"}
REDIS_PASSWORD = "redis-right-Jj44"


def closed_port() -> int:
    return free_port()   # bound then released: nothing listens there


@pytest.fixture(scope="module")
def redis_with_password(tmp_path_factory):
    """A real redis-server that refuses every password but its own."""
    with redis_server(tmp_path_factory.mktemp("redis"), "--requirepass", REDIS_PASSWORD) as port:
        yield port


def targets(kind: str, secured, redis_port: int) -> dict[str, str]:
    """The store, Kibana and frontier URLs of one kind of server, each with URL_SECRET inside."""
    if kind == "down":
        host, redis_host = f"127.0.0.1:{closed_port()}", f"127.0.0.1:{closed_port()}"
    else:
        host, redis_host = secured.url.removeprefix("https://"), f"127.0.0.1:{redis_port}"
    password = PASSWORD if kind == "accepts" else URL_SECRET
    return {"store": f"https://{USER}:{password}@{host}/lexwatch-secrets", "es": f"https://{USER}:{password}@{host}",
            "kibana": f"https://elastic:{password}@{host}",
            "frontier": f"redis://:{URL_SECRET}@{redis_host}/0"}


COMMANDS = {
    "search": lambda t, d: ["search", "deepfake", "--store", t["store"]],
    "search --json": lambda t, d: ["search", "deepfake", "--json", "--store", t["store"]],
    "timeline": lambda t, d: ["timeline", "--store", t["store"]],
    "timeline --json": lambda t, d: ["timeline", "--json", "--store", t["store"]],
    "export": lambda t, d: ["export", "--format", "jsonl", "--out", str(d / "out.jsonl"), "--store", t["store"]],
    "export --json": lambda t, d: ["export", "--format", "csv", "--json", "--out", str(d / "out.csv"),
                                   "--store", t["store"]],
    "alerts run": lambda t, d: ["alerts", "run", "--dry-run", str(d / "digests"), "--send-empty",
                                "--alerts-db", str(d / "alerts.db"), "--store", t["store"]],
    "alerts run --json": lambda t, d: ["alerts", "run", "--json", "--dry-run", str(d / "digests"),
                                       "--alerts-db", str(d / "alerts.db"), "--store", t["store"]],
    "reprocess": lambda t, d: ["reprocess", "--warc-dir", str(d / "warc"), "--store", t["store"]],
    "crawl": lambda t, d: ["crawl", "report", "--debug", "--lang", "en", "--no-warc", "--progress", "0",
                           "--base-url", f"report=http://127.0.0.1:{closed_port()}", "--log-file",
                           str(d / "crawl.log"), "-s", "RETRY_ENABLED=False", "--store", t["store"]],
    "crawl --frontier": lambda t, d: ["crawl", "report", "--frontier", t["frontier"], "--store", t["store"]],
    "dashboards import": lambda t, d: ["dashboards", "import", "--kibana", t["kibana"]],
    "dashboards check": lambda t, d: ["dashboards", "check", "--store", t["store"]],
    "bench": lambda t, d: ["bench", "--stages", "index", "--articles", "30", "--out", str(d / "BENCH.md"),
                           "--es", t["es"]],
    "serve": None,   # a long-running server: see run_serve
    "watch": lambda t, d: ["watch", "report", "--max-polls", "1", "--interval", "1", "--log-file", str(d / "watch.log"),
                           "--base-url", f"report=http://127.0.0.1:{closed_port()}", "--store", t["store"]],
    "watch --status": lambda t, d: ["watch", "--status", "--store", t["store"]],
}


# what each command says about the server (default: "is unreachable", "rejected the API key")
EXPECTED = {
    "crawl": {"down": "total", "refuses": "total", "accepts": "total"},   # no article reached the store
    "reprocess": {"down": "is unreachable", "refuses": "rejected the API key", "accepts": "1 analyzed"},
    "crawl --frontier": {"down": "is not usable", "refuses": "is not usable: invalid username-password pair",
                         "accepts": "is not usable: invalid username-password pair"},
    "dashboards import": {"down": "is unreachable", "refuses": "answered 401", "accepts": "answered"},
    "bench": {"down": "is unreachable", "refuses": "rejected the API key", "accepts": "index (Elasticsearch)"},
    "watch --status": {"down": "never polled", "refuses": "never polled", "accepts": "never polled"},  # reads no store
}


def env_for(secured) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEXWATCH_")}
    env.update(ENV_SECRETS)
    env.update({"PYTHONPATH": str(ROOT), "LEXWATCH_ES_CA_CERTS": secured.ca_certs,
                "LEXWATCH_KIBANA_CA_CERTS": secured.ca_certs})
    return env


def lexwatch(args: list[str], env, cwd: Path, timeout: float = 240) -> str:
    done = subprocess.run([sys.executable, "-m", "lexwatch.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
    return f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"


def run_serve(store_url: str, env, cwd: Path) -> str:
    server = subprocess.Popen([sys.executable, "-m", "lexwatch.cli", "serve", "--port", "0", "--store", store_url],
                              env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = server.stderr.readline()
            seen.append(line)
            found = re.search(r" at (http://\S+/) ", line)
            if found or server.poll() is not None:
                break
        assert found, "serve printed no banner: " + "".join(seen)
        for path in ("/", "/?q=deepfake", "/api/search?q=deepfake", "/api/timeline"):
            try:
                with urllib.request.urlopen(found.group(1).rstrip("/") + path, timeout=60) as page:
                    seen.append(page.read().decode("utf-8", "replace"))
            except urllib.error.HTTPError as exc:
                seen.append(f"{exc.code} " + exc.read().decode("utf-8", "replace"))
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    return "".join(seen) + out + err


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


@pytest.mark.parametrize("server", ["down", "refuses", "accepts"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_secret_in_any_output_or_file(command, server, secured_es, redis_with_password, tmp_path):
    work = tmp_path / "cwd"
    (work / "warc").mkdir(parents=True)
    env = env_for(secured_es)
    env["LEXWATCH_ES_API_KEY" if server != "accepts" else "LEXWATCH_ES_PASSWORD"] = ENV_SECRETS[
        "LEXWATCH_ES_API_KEY" if server != "accepts" else "LEXWATCH_ES_PASSWORD"]
    if server == "accepts":
        env.pop("LEXWATCH_ES_API_KEY")   # an API key wins over the URL's user: the right password must be used
    t = targets(server, secured_es, redis_with_password)
    if command == "reprocess":   # one captured article page, so that reprocess writes to the store
        from lexwatch.crawler.warc import RotatingWarcWriter
        writer = RotatingWarcWriter(work / "warc", "lexwatch-test")
        writer.write("https://report.az/en/ict/deepfake-law-story", 200, [("Content-Type", "text/html; charset=utf-8")],
                     (ROOT / "tests/data/bad/good-story.html").read_bytes(), [], "2026-03-12T10:00:00+00:00",
                     {"outlet": "report"})
        writer.close()
    if command.startswith("alerts"):
        lexwatch(["alerts", "add", "watch", "--to", "analyst@example.org", "--alerts-db", str(work / "alerts.db"),
                  "--store", t["store"]], env, work)
    output = run_serve(t["store"], env, work) if command == "serve" else lexwatch(COMMANDS[command](t, work), env, work)

    secrets = [URL_SECRET, *ENV_SECRETS.values()] + ([PASSWORD] if server == "accepts" else [])
    assert not leaks(output, secrets), f"{command} against a server that {server} printed a secret:\n{output}"
    for path in work.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert not leaks(text, secrets), f"{command} ({server}) wrote a secret into {path.relative_to(work)}"
            assert not leaks(path.name, secrets)
    # it did reach the server (or fail to), and said so without the secret
    said = EXPECTED.get((command, server), EXPECTED.get(command, {}).get(server) if command in EXPECTED else
                        {"down": "is unreachable", "refuses": "rejected the API key", "accepts": ""}[server])
    assert said in output, output
    if server == "accepts" and command == "export":
        manifest = (work / "out.jsonl.manifest.json").read_text()
        assert f'"store": "https://{secured_es.url[8:]}/lexwatch-secrets"' in manifest


def test_frontier_password_from_the_environment(redis_with_password, monkeypatch):
    from lexwatch.crawler.frontier import check_frontier, frontier_settings
    url = f"redis://127.0.0.1:{redis_with_password}/0"
    monkeypatch.delenv("LEXWATCH_CONFIG", raising=False)
    monkeypatch.setenv("LEXWATCH_FRONTIER_PASSWORD", "wrong-" + REDIS_PASSWORD)
    with pytest.raises(ValueError, match=f"the crawl frontier {url} is not usable: invalid username-password pair"):
        check_frontier(url)
    monkeypatch.setenv("LEXWATCH_FRONTIER_PASSWORD", REDIS_PASSWORD)
    check_frontier(url)
    assert frontier_settings(url)["REDIS_PARAMS"] == {"password": REDIS_PASSWORD}   # scrapy-redis's client too
    with pytest.raises(ValueError, match="is set but the frontier URL is not rediss://"):
        monkeypatch.setenv("LEXWATCH_FRONTIER_CA_CERTS", "/etc/ssl/certs/ca-certificates.crt")
        check_frontier(url)
