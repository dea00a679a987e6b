"""State URLs: which backend, and where an SQLite state file lives."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///PATH`` URL (``sqlite:////abs`` absolute; three slashes relative to the cwd)."""
    if not url.startswith(SQLITE_PREFIX):
        return None
    rest = url[len(SQLITE_PREFIX) :]
    if not rest or rest == ":memory:":
        return None
    return Path(rest).resolve()


def is_postgres(url: str) -> bool:
    return url.startswith(POSTGRES_PREFIXES)


MASK = "***"
_SECRET_PARAMS = frozenset({"password", "sslpassword"})
# ``password=VALUE`` / ``sslpassword = 'VALUE'`` in a key=value conninfo (or in text that quotes one)
_CONNINFO_SECRET = re.compile(r"\b(ssl)?password\s*=\s*('(?:[^'\\]|\\.)*'|[^\s&]+)", re.IGNORECASE)


def mask_url(url: str) -> str:
    """``url`` (or any text naming a database) with every password masked: the one in the authority
    (``user:PASSWORD@``), ``password`` / ``sslpassword`` in the query string, and ``password=`` in a
    key=value conninfo. For every message, description and log line that shows where a state lives."""
    try:
        parts = urlsplit(url)
        ok = bool(parts.scheme) and "://" in url
    except ValueError:
        ok = False
    if ok:
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            if ":" in userinfo:
                netloc = f"{userinfo.split(':', 1)[0]}:{MASK}@{host}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(k.lower() in _SECRET_PARAMS for k, _ in pairs):
                query = urlencode([(k, MASK if k.lower() in _SECRET_PARAMS else v) for k, v in pairs], safe="*")
        url = urlunsplit(parts._replace(netloc=netloc, query=query))
    return _CONNINFO_SECRET.sub(lambda m: f"{m.group(1) or ''}password={MASK}", url)
