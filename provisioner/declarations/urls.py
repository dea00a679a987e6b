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


def url_problem(url: str) -> str | None:
    """What makes an absolute http(s) URL unusable or unsafe to store, never quoting it: credentials
    in it (they would reach plans and the state) or a port outside 1-65535; ``None`` when fine."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "has a port outside 1-65535"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "has credentials in it (user:password@); put secrets in the secret fields, never in a URL"
    if port == 0:
        return "has a port outside 1-65535"
    return None
