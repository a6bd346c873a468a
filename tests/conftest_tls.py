"""A real secured Elasticsearch endpoint for the tests: Debian's nginx on loopback, terminating TLS
with a CA and server certificate generated here (openssl), demanding basic authentication or an
`ApiKey` header, and proxying to the real Elasticsearch of the run (`es_url`).

nginx runs in the foreground as a child of the test session (its own config, pid, logs and temp
files in a tmp dir; never the system service) and is stopped at the end of the session. Like the
Elasticsearch fixtures, a missing nginx skips on a developer's machine but fails under CI=true or
LEXWATCH_REQUIRE_ES=1 (scripts/test.sh installs Debian's nginx).
"""
from __future__ import annotations

import base64
import hashlib
import shutil
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest_es import _required

USER, PASSWORD = "lexwatch-writer", "tls-proxy-pass-7Qx"
API_KEY_ID, API_KEY_SECRET = "lexwatch-key", "tls-proxy-key-9Zr"
API_KEY = base64.b64encode(f"{API_KEY_ID}:{API_KEY_SECRET}".encode()).decode()   # as ES returns "encoded"


@dataclass
class SecuredEndpoint:
    url: str                 # https://127.0.0.1:PORT
    ca_certs: str            # the CA that signed the server certificate
    other_ca_certs: str      # a CA that signed nothing here ("unknown CA")
    server_fingerprint: str  # SHA-256 of the server certificate, hex
    ca_fingerprint: str      # SHA-256 of the CA certificate, as Elasticsearch prints it at first start
    workdir: Path

    def requests_seen(self) -> int:
        log = self.workdir / "access.log"
        return len(log.read_text().splitlines()) if log.exists() else 0


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=120)


def make_ca(directory: Path, name: str) -> None:
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
             "-keyout", f"{name}.key", "-out", f"{name}.crt",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=directory)


def make_server_cert(directory: Path, ca: str) -> None:
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
             "-out", "server.csr", cwd=directory)
    (directory / "server.ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                                          "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key", "-CAcreateserial",
             "-days", "2", "-extfile", "server.ext", "-out", "server.crt", cwd=directory)


def sha256_of(pem: Path) -> str:
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem.read_text())).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    map_hash_bucket_size 256;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # who may pass: exactly one user and password, or exactly one API key
    map $http_authorization $lexwatch_allowed {{
        default 0;
        "Basic {basic}" 1;
        "ApiKey {api_key}" 1;
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {dir}/server-chain.crt;   # the server's certificate, then its CA's, as ES sends
        ssl_certificate_key {dir}/server.key;
        client_max_body_size 200m;
        location / {{
            default_type application/json;
            if ($lexwatch_allowed = 0) {{
                return 401 '{{"error":{{"type":"security_exception","reason":"unable to authenticate request"}},"status":401}}';
            }}
            proxy_set_header Authorization "";
            # stream both ways: nginx's workers (user nobody when started as root) may not write
            # temp files into the test's directory
            proxy_request_buffering off;
            proxy_buffering off;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass {upstream};
        }}
    }}
}}
"""


def _wait_for_tls(port: int, ca: Path, server: subprocess.Popen, errors: Path) -> None:
    context = ssl.create_default_context(cafile=str(ca))
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as raw:
                with context.wrap_socket(raw, server_hostname="127.0.0.1"):
                    return
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"nginx exited at start: {errors.read_text() if errors.exists() else ''}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail("nginx did not answer TLS within 30 s", pytrace=False)
            time.sleep(0.1)


@pytest.fixture(scope="session")
def secured_es(es_url, tmp_path_factory):
    """The TLS + authentication proxy in front of the run's real Elasticsearch."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists() or not shutil.which("openssl"):
        message = "nginx or openssl missing: install Debian's nginx and openssl (scripts/test.sh does)"
        if _required():
            pytest.fail(message + " [required: CI=true or LEXWATCH_REQUIRE_ES=1]", pytrace=False)
        pytest.skip(message)
    workdir = tmp_path_factory.mktemp("nginx")
    make_ca(workdir, "ca")
    make_ca(workdir, "other-ca")
    make_server_cert(workdir, "ca")
    (workdir / "server-chain.crt").write_text((workdir / "server.crt").read_text() + (workdir / "ca.crt").read_text())
    port = free_port()
    upstream = urlsplit(es_url)
    (workdir / "nginx.conf").write_text(NGINX_CONF.format(
        dir=workdir, port=port, upstream=f"{upstream.scheme}://{upstream.netloc}",
        basic=base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(), api_key=API_KEY))
    server = subprocess.Popen([binary, "-p", str(workdir), "-e", str(workdir / "error.log"),
                               "-c", str(workdir / "nginx.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait_for_tls(port, workdir / "ca.crt", server, workdir / "error.log")
        yield SecuredEndpoint(f"https://127.0.0.1:{port}", str(workdir / "ca.crt"), str(workdir / "other-ca.crt"),
                              sha256_of(workdir / "server.crt"), sha256_of(workdir / "ca.crt"), workdir)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def secured_es_store(secured_es, es_store, monkeypatch):
    """A factory like `es_store`, but every request goes through the TLS proxy, trusting its CA
    and presenting the API key, all from the environment as a user would set them."""
    monkeypatch.setenv("LEXWATCH_ES_API_KEY", API_KEY)
    monkeypatch.setenv("LEXWATCH_ES_CA_CERTS", secured_es.ca_certs)
    for name in ("LEXWATCH_ES_USER", "LEXWATCH_ES_PASSWORD", "LEXWATCH_ES_FINGERPRINT", "LEXWATCH_ES_INSECURE",
                 "LEXWATCH_CONFIG"):
        monkeypatch.delenv(name, raising=False)

    def make(alias: str | None = None, **kwargs):
        return es_store(alias, base_url=secured_es.url, **kwargs)

    return make
