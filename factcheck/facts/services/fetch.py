"""Fetching a source's page by URL: bounded, and never into the private network.

Timeouts, a size cap, a content-type check, at most a few redirects (each target checked
again), and no private, loopback or link-local addresses unless
FACTCHECK_FETCH_ALLOW_PRIVATE is on (tests serve pages from 127.0.0.1). The main text,
title and date come from trafilatura.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.dateparse import parse_date

USER_AGENT = "factcheck/1.0 (source fetcher)"
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


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


def _check_host(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"only http and https URLs can be fetched, not {url!r}")
    if settings.FACTCHECK_FETCH_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise TransientFetchError(f"cannot resolve {parts.hostname}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FetchError(f"{parts.hostname} resolves to a non-public address ({address})")


class _Redirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        self.count += 1
        if self.count > self.limit:
            raise FetchError(f"more than {self.limit} redirects")
        _check_host(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def url_fetch(*, url: str) -> FetchedPage:
    """Download and extract one page. Raises FetchError or TransientFetchError."""
    _check_host(url)
    opener = urllib.request.build_opener(_Redirects(settings.FACTCHECK_FETCH_MAX_REDIRECTS))
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": ", ".join(ACCEPTED_TYPES)}
    )
    limit = settings.FACTCHECK_FETCH_MAX_BYTES
    try:
        with opener.open(request, timeout=settings.FACTCHECK_FETCH_TIMEOUT) as response:
            content_type = response.headers.get_content_type()
            if content_type not in ACCEPTED_TYPES:
                raise FetchError(f"not a web page: {content_type}")
            body = response.read(limit + 1)
            final_url = response.geturl()
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise FetchError(f"too many redirects, or a redirect loop, from {url}") from None
        if exc.code >= 500 or exc.code == 429:
            raise TransientFetchError(f"HTTP {exc.code} from {url}") from None
        raise FetchError(f"HTTP {exc.code} from {url}") from None
    except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
        raise TransientFetchError(f"cannot reach {url}: {exc}") from None
    if len(body) > limit:
        raise FetchError(f"the page is larger than {limit} bytes")
    raw = body.decode(charset, errors="replace")
    if content_type == "text/plain":
        return FetchedPage(url=final_url, text=raw.strip(), title="", published_at=None)
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
    )
