"""The web server as deployed (gunicorn with factcheck.gunicorn_conf): errors that happen
before a view runs are JSON too, with the status a client can act on."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import ROOT, _database_url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def web(transactional_db: None, tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    log = open(tmp_path / "web.log", "ab")
    process = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "factcheck.wsgi",
            *("--config", "python:factcheck.gunicorn_conf"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _database_url()},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError((tmp_path / "web.log").read_text()) from None
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=15)


def _raw(port: int, request: bytes) -> tuple[int, str, dict[str, object]]:
    """Send bytes as they are (no client library would send most of these) and read the
    answer as HTTP."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = json.loads(response.read())
        return response.status, response.getheader("Content-Type", ""), body


def test_a_request_line_too_long_is_414_json(web: int) -> None:
    path = "/api/v1/claims/?search=" + "x" * 9000
    code, content_type, body = _raw(web, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert (code, content_type) == (414, "application/json")
    assert "URI Too Long" in str(body["detail"])


def test_too_many_or_too_large_headers_are_431_json(web: int) -> None:
    many = "".join(f"X-Filler-{n}: y\r\n" for n in range(150))
    code, content_type, _ = _raw(
        web, f"GET /api/v1/claims/ HTTP/1.1\r\nHost: 127.0.0.1\r\n{many}\r\n".encode()
    )
    assert (code, content_type) == (431, "application/json")
    large = "X-Large: " + "y" * 9000 + "\r\n"
    code, content_type, _ = _raw(
        web, f"GET /api/v1/claims/ HTTP/1.1\r\nHost: 127.0.0.1\r\n{large}\r\n".encode()
    )
    assert (code, content_type) == (431, "application/json")


def test_a_disallowed_host_is_400_json(web: int) -> None:
    code, content_type, body = _raw(
        web, b"GET /api/v1/claims/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    )
    assert (code, content_type) == (400, "application/json")
    assert "Host header" in str(body["detail"])


def test_an_unknown_api_path_is_404_json(web: int) -> None:
    code, content_type, body = _raw(
        web, b"GET /api/v1/no-such-thing/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    assert (code, content_type) == (404, "application/json")
    assert "/api/v1/no-such-thing/" in str(body["detail"])


def test_a_malformed_request_is_400_json(web: int) -> None:
    code, content_type, _ = _raw(web, b"GET /api/v1/claims/ HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n")
    assert (code, content_type) == (400, "application/json")
