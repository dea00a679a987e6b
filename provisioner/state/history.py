"""The append-only history table: rows are inserted and read, never updated or deleted.

The database enforces it too: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
"""

from __future__ import annotations

from datetime import UTC, datetime

from provisioner.state.backend import Tx
from provisioner.state.records import HistoryEntry


def append(tx: Tx, workspace: str, serial: int, action: str, address: str | None, *, actor: str,
           outcome: str = "ok", detail: str | None = None) -> None:
    tx.execute(
        "INSERT INTO history (workspace, serial, action, address, actor, at, outcome, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (workspace, serial, action, address, actor, tx.now().astimezone(UTC).isoformat(), outcome, detail),
    )


def read(tx: Tx, workspace: str, limit: int | None) -> list[HistoryEntry]:
    """The last ``limit`` entries (all when None), oldest first."""
    sql = ("SELECT serial, action, address, actor, at, outcome, detail FROM history "
           "WHERE workspace = ? ORDER BY id DESC")
    params: tuple[object, ...] = (workspace,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (workspace, limit)
    rows = tx.all(sql, params)
    return [
        HistoryEntry(serial=int(r[0]), action=r[1], address=r[2], actor=r[3], at=datetime.fromisoformat(r[4]),
                     outcome=r[5], detail=r[6])
        for r in reversed(rows)
    ]
