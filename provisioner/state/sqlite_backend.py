"""SQLite backend: the standard library, WAL journal, a busy timeout, ``BEGIN IMMEDIATE`` for writes."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from provisioner.errors import StateError
from provisioner.state.backend import Tx

BUSY_TIMEOUT_MS = 30_000


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, retrying: two processes opening a new state at once (two applies in a pipeline)
    may get "database is locked" here at once, as this pragma does not always wait for the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class SqliteBackend:
    dialect = "sqlite"

    def __init__(self, path: Path, *, create: bool = False) -> None:
        """Open ``path``; only with ``create`` may the file and its directory be made."""
        self.path = path
        self.description = f"sqlite:///{path}"
        if not create and not path.is_file():
            raise StateError(f"no state file {path}", hint="run `provisioner apply` first",
                             code="state-workspace-missing")
        try:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            created = not path.exists()
            self._conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                         check_same_thread=False)
            if created:
                os.chmod(path, 0o600)
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if create or self._holds_a_state():  # switching to WAL writes: never into a file that is no state
                _enable_wal(self._conn)
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot open the state database {path}: {exc}",
                             hint="check the path in PROVISIONER_STATE_URL / provisioner.yaml and its permissions",
                             ) from None

    def _holds_a_state(self) -> bool:
        row = self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
        return row.fetchone() is not None

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[Tx]:
        try:
            cursor = self._conn.cursor()
        except sqlite3.Error as exc:  # e.g. a store used after it was closed
            raise StateError(f"state database error ({self.path}): {exc}") from None
        try:
            cursor.execute(begin)
            try:
                yield Tx(cursor, placeholder="?", for_update="", now=_utc_now)
            except BaseException:
                self._conn.rollback()
                raise
            cursor.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._conn.in_transaction:
                self._conn.rollback()
            raise StateError(f"state database error ({self.path}): {exc}") from None
        finally:
            cursor.close()

    def read(self) -> AbstractContextManager[Tx]:
        return self._transaction("BEGIN")

    def write(self) -> AbstractContextManager[Tx]:
        return self._transaction("BEGIN IMMEDIATE")

    def has_table(self, name: str) -> bool:
        with self.read() as tx:
            return tx.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)) is not None

    def reopen(self) -> SqliteBackend:
        return SqliteBackend(self.path)

    def close(self) -> None:
        self._conn.close()
