"""A real redis-server for the tests, on a free loopback port, in its own directory, without
persistence: `with redis_server(workdir, "--requirepass", "pw") as port: …`."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def redis_server(workdir: Path, *extra: str) -> Iterator[int]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.fail("redis-server not found: install Debian's redis-server (scripts/test.sh does)", pytrace=False)
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                               "no", "--dir", str(workdir), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120   # a start-up, on a machine that may be busy
        while True:   # answering PING (even with NOAUTH) means it is up
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(64):
                        break
            except OSError:
                pass
            assert server.poll() is None, "redis-server exited at start"
            assert time.monotonic() < deadline, "redis-server did not answer within 120 s"
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)
