"""Fetching pages by URL, served by a local HTTP server (the remote web is outside)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_django.fixtures import Settings

from factcheck.facts.models import ProcessingState, Source
from factcheck.facts.services.fetch import FetchError, TransientFetchError, url_fetch
from factcheck.facts.services.sources import source_ingest

ARTICLE = b"""<html><head><title>Pentagon: 10,000 North Korean troops in Russia</title>
<meta name="date" content="2024-10-28"></head><body><article>
<h1>Pentagon: 10,000 North Korean troops in Russia</h1>
<p>North Korea has sent about 10,000 troops to Russia, the Pentagon said on Monday.</p>
<p>Several thousand of them are moving toward the Kursk region, officials added.</p>
</article></body></html>"""

ROUTES: dict[str, tuple[int, str, bytes, dict[str, str]]] = {
    "/article": (200, "text/html; charset=utf-8", ARTICLE, {}),
    "/moved": (302, "text/html", b"", {"Location": "/article"}),
    "/loop": (302, "text/html", b"", {"Location": "/loop"}),
    "/missing": (404, "text/html", b"gone", {}),
    "/broken": (503, "text/html", b"later", {}),
    "/report.pdf": (200, "application/pdf", b"%PDF-1.4", {}),
    "/huge": (200, "text/html", b"<p>" + b"x" * 3000 + b"</p>", {}),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/trickle"):
            self._trickle(headers_too=self.path == "/trickle-headers")
            return
        code, content_type, body, headers = ROUTES.get(self.path, (404, "text/plain", b"", {}))
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self, *, headers_too: bool) -> None:
        """One byte every 0.1 s for at most 10 s: each read is quick, the whole never ends."""
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        if not headers_too:
            self.wfile.write(head)
            head = b""
        deadline = time.monotonic() + 10
        stream = head + b"<p>" + b"x" * 99_997
        try:
            for byte in stream:
                if time.monotonic() > deadline:
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:  # the client gave up: what the test wants
            return

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site(settings: Settings) -> Iterator[str]:
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    settings.FACTCHECK_FETCH_MAX_BYTES = 2000
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_it_fetches_and_extracts_an_article(site: str) -> None:
    page = url_fetch(url=f"{site}/moved")
    assert page.url.endswith("/article")
    assert "10,000 troops" in page.text
    assert page.title.startswith("Pentagon")
    assert page.published_at is not None and page.published_at.date().isoformat() == "2024-10-28"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "HTTP 404"),
        ("/report.pdf", "not a web page"),
        ("/huge", "larger than"),
        ("/loop", "redirects"),
    ],
)
def test_it_refuses_what_is_not_a_small_web_page(site: str, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        url_fetch(url=site + path)


def test_private_addresses_are_refused_unless_allowed(site: str, settings: Settings) -> None:
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchError, match="non-public address"):
        url_fetch(url=f"{site}/article")
    with pytest.raises(FetchError, match="only http and https"):
        url_fetch(url="file:///etc/passwd")


@pytest.mark.django_db
def test_a_source_posted_by_url_is_fetched_when_ingested(site: str) -> None:
    source = Source.objects.create(url=f"{site}/article", state=ProcessingState.PENDING)
    counts = source_ingest(source_id=source.pk)
    source.refresh_from_db()
    assert source.state == "processed"
    assert "10,000 troops" in source.text and source.content_hash
    assert source.title.startswith("Pentagon")
    assert counts["passages"] >= 2


@pytest.mark.django_db
def test_a_page_that_cannot_be_fetched_fails_the_source_with_its_error(site: str) -> None:
    source = Source.objects.create(url=f"{site}/missing", state=ProcessingState.PENDING)
    with pytest.raises(FetchError):
        source_ingest(source_id=source.pk)
    source.refresh_from_db()
    assert source.state == "failed"
    assert "HTTP 404" in source.error


@pytest.mark.django_db
def test_a_server_error_is_left_to_celerys_retry_not_failed(site: str) -> None:
    from factcheck.facts.models import CheckRun
    from factcheck.facts.services.check_runs import check_run_start
    from factcheck.facts.services.fetch import TransientFetchError
    from factcheck.facts.tasks import source_ingest as source_ingest_task

    source = Source.objects.create(url=f"{site}/broken", state=ProcessingState.PENDING)
    run = CheckRun.objects.create(kind="ingest_source", source=source)
    with pytest.raises(TransientFetchError, match="HTTP 503"):
        source_ingest_task.run(run.pk)
    run.refresh_from_db()
    assert run.state == "queued"  # given back for the next attempt, which ends it
    assert check_run_start(check_run_id=run.pk)


@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_a_server_that_trickles_bytes_is_cut_off_at_the_total_deadline(
    site: str, settings: Settings, path: str
) -> None:
    settings.FACTCHECK_FETCH_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(TransientFetchError, match="longer than 1 s"):
        url_fetch(url=site + path)
    assert time.monotonic() - started < 3


def test_the_connection_goes_to_the_address_that_was_checked(
    site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: a name that resolves to a checked address first and elsewhere the
    second time. The fetch looks the name up once and connects to that address."""
    port = int(site.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "127.0.0.2"])  # nothing listens on 127.0.0.2
    lookups: list[str] = []

    def rebinding(host: str, *args: object, **kwargs: object) -> object:
        if host != "rebind.example":
            return real(host, *args, **kwargs)  # type: ignore[arg-type]
        lookups.append(host)
        return real(next(answers), *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    page = url_fetch(url=f"http://rebind.example:{port}/article")
    assert "10,000 troops" in page.text
    assert lookups == ["rebind.example"]
