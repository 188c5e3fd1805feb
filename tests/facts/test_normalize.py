from __future__ import annotations

import pytest

from factcheck.facts.normalize import content_hash, normalise_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM/a/b/", "https://example.com/a/b"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a?utm_source=x&b=2&a=1#frag", "https://example.com/a?a=1&b=2"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com//a//b", "https://example.com/a/b"),
        ("  https://example.com/a?fbclid=123  ", "https://example.com/a"),
        ("", ""),
        ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
        ("https://[::1]/a", "https://[::1]/a"),
    ],
)
def test_it_normalises_urls(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected


def test_the_content_hash_ignores_case_and_white_space() -> None:
    assert content_hash("North  Korea\nsent troops") == content_hash("north korea sent troops")
    assert content_hash("North Korea sent troops") != content_hash("North Korea sent no troops")
    assert content_hash("   ") == ""
