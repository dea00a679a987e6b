"""URL facts the checks of every kind need."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_absolute_http(url: str) -> bool:
    """``url`` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
