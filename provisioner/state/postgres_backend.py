"""PostgreSQL backend: psycopg 3 in autocommit mode with explicit transaction blocks.

Writers serialise per workspace with ``SELECT ... FOR UPDATE`` on the workspace row; readers use
REPEATABLE READ so a snapshot sees one serial and the records of that serial.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime

import psycopg

from provisioner.errors import StateError
from provisioner.state.backend import Tx
from provisioner.state.urls import mask_url

CONNECT_TIMEOUT_S = 10


def redact(url: str) -> str:
    """The URL without any password (authority, query string, conninfo), for messages."""
    return mask_url(url)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return mask_url(text.splitlines()[0]) if text else type(exc).__name__


class PostgresBackend:
    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        self._url = url
        self.description = redact(url)
        try:
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                                         application_name="provisioner")
        except psycopg.Error as exc:
            raise StateError(
                f"cannot connect to the state database {self.description}: {_first_line(exc)}",
                hint="check that the server is running and reachable, and the URL (host, port, user, password, "
                     "database) in PROVISIONER_STATE_URL or provisioner.yaml",
                code="state-unreachable",
            ) from None

    def _now(self) -> datetime:
        with self._conn.cursor() as cur:
            cur.execute("SELECT clock_timestamp()")
            row = cur.fetchone()
        assert row is not None
        value = row[0]
        assert isinstance(value, datetime)
        return value

    @contextmanager
    def _transaction(self, first: str | None) -> Iterator[Tx]:
        try:
            with self._conn.transaction(), self._conn.cursor() as cursor:
                if first:
                    cursor.execute(first)
                yield Tx(cursor, placeholder="%s", for_update=" FOR UPDATE", now=self._now)
        except psycopg.OperationalError as exc:
            raise StateError(f"lost the state database {self.description}: {_first_line(exc)}",
                             hint="check that the server is running and reachable", code="state-unreachable",
                             ) from None
        except psycopg.Error as exc:
            raise StateError(f"state database error ({self.description}): {_first_line(exc)}") from None

    def read(self) -> AbstractContextManager[Tx]:
        return self._transaction("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def write(self) -> AbstractContextManager[Tx]:
        return self._transaction(None)

    def has_table(self, name: str) -> bool:
        with self.read() as tx:
            row = tx.one("SELECT to_regclass(?) IS NOT NULL", (name,))
            return bool(row and row[0])

    def reopen(self) -> PostgresBackend:
        return PostgresBackend(self._url)

    def close(self) -> None:
        self._conn.close()
