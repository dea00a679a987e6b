"""``open_store``: a state URL, a workspace and the state key in; a ready, verified ``Store`` out."""

from __future__ import annotations

import re

from provisioner.errors import StateError
from provisioner.state.backend import Backend
from provisioner.state.sql_store import SqlStore
from provisioner.state.store import Store
from provisioner.state.urls import is_postgres, sqlite_path

WORKSPACE_PATTERN = re.compile(r"^[a-z0-9]([-_.a-z0-9]{0,62}[a-z0-9])?$")
DEFAULT_LEASE_SECONDS = 60.0


def backend_for(url: str) -> Backend:
    """The backend a state URL names: ``sqlite:////abs/path`` or ``postgresql://...`` (also ``postgres://``)."""
    path = sqlite_path(url)
    if path is not None:
        from provisioner.state.sqlite_backend import SqliteBackend  # noqa: PLC0415 - load one driver only

        return SqliteBackend(path)
    if is_postgres(url):
        from provisioner.state.postgres_backend import PostgresBackend  # noqa: PLC0415

        return PostgresBackend(url)
    scheme = url.split(":", 1)[0] if ":" in url else url
    raise StateError(f"unsupported state URL scheme {scheme!r}",
                     hint="use sqlite:///path/to/state.db or postgresql://user@host/db", code="state-url")


def open_store(url: str, *, workspace: str, key: bytes, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> Store:
    """Open (creating and migrating when needed) the state at ``url`` for ``workspace``.

    Raises ``StateError`` for an unreachable database, a schema newer than this code, or a key that
    is not the one the workspace was sealed with ("wrong state key").
    """
    if not WORKSPACE_PATTERN.match(workspace):
        raise StateError(f"invalid workspace name {workspace!r}",
                         hint="lower-case letters, digits, '-', '_' and '.', starting and ending alphanumeric",
                         code="state-workspace")
    backend = backend_for(url)
    try:
        return SqlStore(backend, workspace, key, lease_seconds=lease_seconds)
    except BaseException:
        backend.close()
        raise
