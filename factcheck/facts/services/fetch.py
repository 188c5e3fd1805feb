"""Fetching a source's page by URL: bounded, and never into the private network.

Bounds: one deadline for the whole fetch (every connection, redirect and read together,
FACTCHECK_FETCH_TIMEOUT seconds), a size cap, a content-type check and at most a few
redirects. Each host is resolved once; its addresses are checked (no private, loopback or
link-local address unless FACTCHECK_FETCH_ALLOW_PRIVATE is on: tests serve pages from
127.0.0.1) and the connection goes to a checked address, never to a second look-up, so a
name that resolves elsewhere the second time (DNS rebinding) cannot slip through. The main
text, title and date come from trafilatura.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.dateparse import parse_date

USER_AGENT = "factcheck/1.0 (source fetcher)"
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_CHUNK = 64 * 1024


class FetchError(Exception):
    """The page cannot be had: a bad address, status or content. Retrying will not help."""


class TransientFetchError(FetchError):
    """A time-out or a server error: worth retrying later."""


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    text: str
    title: str
    published_at: datetime | None
    changed: bool = True  # False: a conditional GET answered 304 Not Modified (no text)
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    address: str  # the checked address the connection goes to
    path: str  # path and query, as sent in the request line


def _resolve(url: str) -> _Target:
    """Parse, resolve once and check a URL's host; the address returned is the one to use."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"only http and https URLs can be fetched, not {url!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"the port in {url!r} is not a port") from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise TransientFetchError(f"cannot resolve {parts.hostname}: {exc}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not settings.FACTCHECK_FETCH_ALLOW_PRIVATE:
        for address in addresses:
            if not address.is_global:
                raise FetchError(f"{parts.hostname} resolves to a non-public address ({address})")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(parts.scheme, parts.hostname, port, str(addresses[0]), path)


class _Deadline:
    """Closes the connection's socket when the fetch's time is up, however the server
    trickles its bytes (a per-read time-out alone lets a slow drip run for ever)."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def left(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            self.expired = True
            raise TimeoutError("deadline passed")
        return left

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                sock.close()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to a given address, with the URL's host name in the Host header
    and, over TLS, in SNI and the certificate check."""

    def __init__(self, target: _Target, deadline: _Deadline) -> None:
        super().__init__(target.host, target.port, timeout=deadline.left())
        self.target = target
        self.deadline = deadline

    def connect(self) -> None:
        sock = socket.create_connection(
            (self.target.address, self.target.port), timeout=self.deadline.left()
        )
        self.deadline.watch(sock)
        if self.target.scheme == "https":
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=self.target.host)
        self.sock = sock


def _download(
    url: str,
    deadline: _Deadline,
    *,
    accepted: tuple[str, ...] = ACCEPTED_TYPES,
    conditions: dict[str, str] | None = None,
) -> tuple[str, int, Message, bytes]:
    """Follow redirects to the page; returns the final URL, the status (200, or 304 when
    `conditions` (If-None-Match, If-Modified-Since) say it has not changed), its headers and
    its body."""
    limit = settings.FACTCHECK_FETCH_MAX_BYTES
    redirects = 0
    while True:
        target = _resolve(url)
        connection = _PinnedConnection(target, deadline)
        try:
            connection.request(
                "GET",
                target.path,
                headers={
                    "User-Agent": USER_AGENT,
                    "Accept": ", ".join(accepted),
                    "Accept-Encoding": "identity",
                    **(conditions or {}),
                },
            )
            response = connection.getresponse()
            if 300 <= response.status < 400 and response.status != 304:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"HTTP {response.status} from {url} without a Location")
                redirects += 1
                if redirects > settings.FACTCHECK_FETCH_MAX_REDIRECTS:
                    raise FetchError(
                        f"more than {settings.FACTCHECK_FETCH_MAX_REDIRECTS} redirects from {url}"
                    )
                url = urljoin(url, location)
                continue
            if response.status >= 500 or response.status == 429:
                raise TransientFetchError(f"HTTP {response.status} from {url}")
            if response.status == 304 and conditions:
                return url, 304, response.headers, b""
            if response.status != 200:
                raise FetchError(f"HTTP {response.status} from {url}")
            content_type = response.headers.get_content_type()
            if content_type not in accepted:
                kind = "a web page" if accepted == ACCEPTED_TYPES else "a feed"
                raise FetchError(f"not {kind}: {content_type}")
            body = bytearray()
            while len(body) <= limit:
                deadline.left()
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                body += chunk
            if len(body) > limit:
                raise FetchError(f"the page is larger than {limit} bytes")
            return url, response.status, response.headers, bytes(body)
        finally:
            connection.close()


def _bounded_download(
    url: str,
    *,
    accepted: tuple[str, ...] = ACCEPTED_TYPES,
    conditions: dict[str, str] | None = None,
) -> tuple[str, int, Message, bytes]:
    """`_download` within the fetch's one deadline, its failures as FetchError (the page
    is wrong) or TransientFetchError (try later)."""
    seconds = settings.FACTCHECK_FETCH_TIMEOUT
    with _Deadline(seconds) as deadline, _network_errors(url, deadline, seconds):
        found = _download(url, deadline, accepted=accepted, conditions=conditions)
    if deadline.expired:
        raise TransientFetchError(f"fetching {url} took longer than {seconds} s")
    return found


@contextmanager
def _network_errors(url: str, deadline: _Deadline, seconds: float) -> Iterator[None]:
    """The network's failures as FetchError (the address or certificate is wrong) or
    TransientFetchError (time out, refused, reset: try later)."""
    try:
        yield
    except FetchError:
        raise
    except ssl.SSLCertVerificationError as exc:
        raise FetchError(f"the certificate of {url} is not valid: {exc}") from None
    except (OSError, http.client.HTTPException) as exc:
        if deadline.expired:
            raise TransientFetchError(
                f"{url} took longer than {seconds} s (connection and all reads)"
            ) from None
        raise TransientFetchError(f"cannot reach {url}: {exc}") from None


@dataclass(frozen=True)
class FetchedFeed:
    url: str  # after redirects
    changed: bool  # False: the server answered 304 Not Modified
    etag: str
    last_modified: str
    body: bytes


FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)


def feed_fetch(*, url: str, etag: str = "", last_modified: str = "") -> FetchedFeed:
    """Download a feed with a conditional GET (the validators the server sent last time).
    The same bounds and address checks as a page. Raises FetchError or
    TransientFetchError."""
    conditions = {}
    if etag:
        conditions["If-None-Match"] = etag
    if last_modified:
        conditions["If-Modified-Since"] = last_modified
    final_url, status, headers, body = _bounded_download(
        url, accepted=FEED_TYPES, conditions=conditions
    )
    return FetchedFeed(
        url=final_url,
        changed=status != 304,
        etag=(headers.get("ETag") or etag)[:500],
        last_modified=(headers.get("Last-Modified") or last_modified)[:100],
        body=body,
    )


def url_fetch(*, url: str, etag: str = "", last_modified: str = "") -> FetchedPage:
    """Download and extract one page; with the validators the server sent last time, a
    conditional GET (`changed` False and no text when it answers 304). Raises FetchError or
    TransientFetchError."""
    conditions = {}
    if etag:
        conditions["If-None-Match"] = etag
    if last_modified:
        conditions["If-Modified-Since"] = last_modified
    final_url, status, headers, body = _bounded_download(url, conditions=conditions)
    etag = (headers.get("ETag") or etag)[:500]
    last_modified = (headers.get("Last-Modified") or last_modified)[:100]
    if status == 304:
        return FetchedPage(
            url=final_url,
            text="",
            title="",
            published_at=None,
            changed=False,
            etag=etag,
            last_modified=last_modified,
        )
    content_type = headers.get_content_type()
    charset = headers.get_content_charset() or "utf-8"
    try:
        raw = body.decode(charset, errors="replace")
    except LookupError:
        raw = body.decode("utf-8", errors="replace")
    if content_type == "text/plain":
        return FetchedPage(
            url=final_url,
            text=raw.strip(),
            title="",
            published_at=None,
            etag=etag,
            last_modified=last_modified,
        )
    import trafilatura

    text = trafilatura.extract(raw, include_comments=False, favor_precision=True) or ""
    if not text.strip():
        raise FetchError("no article text found on the page")
    meta = trafilatura.extract_metadata(raw, default_url=final_url)
    published = None
    if meta is not None and meta.date:
        day = parse_date(meta.date[:10])
        published = datetime(day.year, day.month, day.day, 12, tzinfo=UTC) if day else None
    return FetchedPage(
        url=final_url,
        text=text.strip(),
        title=(meta.title or "") if meta else "",
        published_at=published,
        etag=etag,
        last_modified=last_modified,
    )


def webhook_post(*, url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST a webhook delivery under the same guard as fetching (checked, pinned address;
    one deadline, FACTCHECK_WEBHOOK_TIMEOUT seconds; redirects are not followed). Returns
    the status; raises FetchError when the receiver cannot be reached (TransientFetchError
    for a time-out or a refused connection)."""
    seconds = settings.FACTCHECK_WEBHOOK_TIMEOUT
    with _Deadline(seconds) as deadline, _network_errors(url, deadline, seconds):
        target = _resolve(url)
        connection = _PinnedConnection(target, deadline)
        try:
            connection.request(
                "POST",
                target.path,
                body=body,
                headers={
                    "User-Agent": "factcheck/1.0 (webhooks)",
                    "Content-Type": "application/json",
                    **headers,
                },
            )
            response = connection.getresponse()
            response.read(_CHUNK)  # a little of the answer; the status is what counts
            return response.status
        finally:
            connection.close()
