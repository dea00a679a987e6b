"""``open_store``: a state URL, a workspace and the state key in; a ready, verified ``Store`` out.

    with open_store(url, workspace="default", key=key) as store:            # read: creates nothing
    with open_store(url, workspace="default", key=key, create=True) as store:  # apply
"""

from __future__ import annotations

import re

from provisioner.errors import StateError
from provisioner.state.backend import Backend
from provisioner.state.missing import MISSING, EmptyStore, workspace_missing
from provisioner.state.sql_store import SqlStore
from provisioner.state.store import Store
from provisioner.state.urls import is_postgres, sqlite_path

WORKSPACE_PATTERN = re.compile(r"^[a-z0-9]([-_.a-z0-9]{0,62}[a-z0-9])?$")
DEFAULT_LEASE_SECONDS = 60.0


def backend_for(url: str, *, create: bool = False) -> Backend:
    """The backend a state URL names: ``sqlite:////abs/path`` or ``postgresql://...`` (also ``postgres://``).
    Only with ``create`` may an SQLite file (and its directory) be created."""
    path = sqlite_path(url)
    if path is not None:
        from provisioner.state.sqlite_backend import SqliteBackend  # noqa: PLC0415 - load one driver only

        return SqliteBackend(path, create=create)
    if is_postgres(url):
        from provisioner.state.postgres_backend import PostgresBackend  # noqa: PLC0415

        return PostgresBackend(url)
    scheme = url.split(":", 1)[0] if ":" in url else url
    raise StateError(f"unsupported state URL scheme {scheme!r}",
                     hint="use sqlite:///path/to/state.db or postgresql://user@host/db", code="state-url")


def open_store(url: str, *, workspace: str, key: bytes, create: bool = False, missing_ok: bool = False,
               lease_seconds: float = DEFAULT_LEASE_SECONDS) -> Store:
    """Open the state at ``url`` for ``workspace`` (a context manager: closed on exit).

    ``create=True`` (apply) creates the state, its schema and the workspace when missing. Otherwise
    nothing is created: a missing state or workspace raises ``StateError(code="state-workspace-missing")``
    naming the workspaces that exist — or, with ``missing_ok=True`` (plan), gives an ``EmptyStore``
    (no records, lineage "", serial 0). An existing state with an older schema is migrated.
    Raises ``StateError`` for an unreachable database, a schema newer than this code, or a key that
    is not the one the workspace was sealed with ("wrong state key").
    """
    if not WORKSPACE_PATTERN.match(workspace):
        raise StateError(f"invalid workspace name {workspace!r}",
                         hint="lower-case letters, digits, '-', '_' and '.', starting and ending alphanumeric",
                         code="state-workspace")
    path = sqlite_path(url)
    if path is not None and not create and not path.is_file():
        if missing_ok:
            return EmptyStore(workspace, key, f"sqlite:///{path}")
        raise workspace_missing(workspace, f"sqlite:///{path}", ())
    backend = backend_for(url, create=create)
    try:
        return SqlStore(backend, workspace, key, create=create, lease_seconds=lease_seconds)
    except StateError as exc:
        backend.close()
        if missing_ok and not create and exc.code == MISSING:
            return EmptyStore(workspace, key, backend.description)
        raise
    except BaseException:
        backend.close()
        raise
