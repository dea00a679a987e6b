"""State URLs: which backend, and where an SQLite state file lives."""

from __future__ import annotations

from pathlib import Path

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
