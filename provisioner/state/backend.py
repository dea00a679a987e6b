"""What the store needs from a database: transactions, a cursor with one placeholder style, the clock.

SQL in the store is written once with ``?`` placeholders; each backend adapts it. A backend turns
every driver error into ``StateError`` so the rest of the code never sees sqlite3 or psycopg types.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

Row = tuple[Any, ...]


class Cursor(Protocol):
    """The slice of a DB-API cursor that a ``Tx`` uses."""

    @property
    def rowcount(self) -> int: ...

    def execute(self, sql: Any, params: Any = ..., /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


class Tx:
    """One open transaction."""

    def __init__(self, cursor: Cursor, *, placeholder: str, for_update: str, now: Callable[[], datetime]) -> None:
        self._cursor = cursor
        self._placeholder = placeholder
        self.for_update = for_update  # "" on SQLite (BEGIN IMMEDIATE already serialises writers)
        self._now = now

    def _sql(self, sql: str) -> str:
        return sql if self._placeholder == "?" else sql.replace("?", self._placeholder)

    def _run(self, sql: str, params: Sequence[Any]) -> None:
        if params:
            self._cursor.execute(self._sql(sql), tuple(params))
        else:
            self._cursor.execute(sql)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        self._run(sql, params)
        return int(self._cursor.rowcount)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        self._run(sql, params)
        row = self._cursor.fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self._run(sql, params)
        return [tuple(r) for r in self._cursor.fetchall()]

    def now(self) -> datetime:
        """The time by the database's clock where it has one (leases compare against it)."""
        return self._now()


class Backend(Protocol):
    dialect: str  # "sqlite" | "postgresql"
    description: str  # where the state lives, with any password removed

    def read(self) -> AbstractContextManager[Tx]:
        """A read-only transaction seeing one consistent snapshot."""
        ...

    def write(self) -> AbstractContextManager[Tx]:
        """A read-write transaction; commits on normal exit, rolls back on an exception."""
        ...

    def has_table(self, name: str) -> bool: ...

    def reopen(self) -> Backend:
        """A second connection to the same database (for the lease heartbeat thread)."""
        ...

    def close(self) -> None: ...
