"""The append-only, chained history: rows are inserted and read, never updated or deleted.

The database enforces it while its triggers exist (UPDATE and DELETE refused; TRUNCATE too on
PostgreSQL). The chain makes it hold without them. The workspace chain (``state.chain``) records
a *base* — the number of rows and a SHA-256 hash chain over them — for the rows written before
the chain was established or before the last rekey, and after the base each row carries ``mac``:
an HMAC-SHA256 (HKDF purpose ``history-chain``) over its content and the previous row's MAC (the
first one over the base digest). The workspace chain also commits to the last MAC and the count,
so an edited, deleted or inserted row, before or after the base, breaks the chain. ``verify`` also
checks that the triggers are still there.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any

from provisioner.canonical import canonical_json
from provisioner.errors import StateError
from provisioner.state.backend import Row, Tx
from provisioner.state.records import HistoryEntry

_FIELDS = ("serial", "action", "address", "actor", "at", "outcome", "detail")
_SELECT = f"SELECT id, {', '.join(_FIELDS)}, mac FROM history WHERE workspace = ? ORDER BY id"  # noqa: S608
TRIGGERS = {"sqlite": ("history_no_update", "history_no_delete"),
            "postgresql": ("history_no_change", "history_no_truncate")}


@dataclass(frozen=True)
class Head:
    """Where the history chain stands: base rows (hash-chained) then MAC-chained rows up to ``mac``."""

    base_count: int
    base_digest: str
    count: int
    mac: str


def _content(row: Row) -> dict[str, Any]:
    content = dict(zip(_FIELDS, row[1:8], strict=True))
    content["serial"] = int(content["serial"])
    return content


def _message(workspace: str, content: dict[str, Any], prev: str) -> bytes:
    return canonical_json({"purpose": "provisioner-history-v1", "workspace": workspace, "row": content,
                           "prev": prev}).encode("utf-8")


def row_mac(key: bytes, workspace: str, content: dict[str, Any], prev: str) -> str:
    return hmac.new(key, _message(workspace, content, prev), sha256).hexdigest()


def append(tx: Tx, key: bytes, head: Head, *, workspace: str, serial: int, action: str, address: str | None,
           actor: str, outcome: str = "ok", detail: str | None = None) -> Head:
    """Insert one chained row after ``head``; returns the new head (the caller stores it in the workspace chain)."""
    content = {"serial": serial, "action": action, "address": address, "actor": actor,
               "at": tx.now().astimezone(UTC).isoformat(), "outcome": outcome, "detail": detail}
    mac = row_mac(key, workspace, content, head.mac)
    tx.execute(
        "INSERT INTO history (workspace, serial, action, address, actor, at, outcome, detail, mac) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (workspace, *(content[f] for f in _FIELDS), mac),
    )
    return Head(head.base_count, head.base_digest, head.count + 1, mac)


def tampered(workspace: str, what: str) -> StateError:
    return StateError(
        f"the history of workspace {workspace} failed its integrity check: {what}",
        hint="the history is append-only: restore the state from a backup and find out who changed it "
             "(see docs/state.md, Recovery)",
        code="state-history-tampered",
    )


def _digest(workspace: str, rows: list[Row]) -> str:
    prev = ""
    for row in rows:
        prev = sha256(_message(workspace, _content(row), prev)).hexdigest()
    return prev


def rebase(tx: Tx, workspace: str) -> Head:
    """A head whose base is every row there now (to establish the chain, or under a new key after a rekey)."""
    rows = tx.all(_SELECT, (workspace,))
    digest = _digest(workspace, rows)
    return Head(len(rows), digest, len(rows), digest)


def _where(row: Row) -> str:
    return f"row {row[0]} (serial {row[1]}, {row[2]})"


def verify(tx: Tx, key: bytes, dialect: str, workspace: str, expected: Head) -> list[HistoryEntry]:
    """Every row, verified against the chain the workspace commits to, oldest first."""
    check_triggers(tx, dialect, workspace)
    rows = tx.all(_SELECT, (workspace,))
    if len(rows) < expected.count:
        raise tampered(workspace, f"it has {len(rows)} rows, the workspace chain records {expected.count} "
                                  "(rows were deleted outside provisioner)")
    if len(rows) > expected.count:
        raise tampered(workspace, f"it has {len(rows)} rows, the workspace chain records {expected.count} "
                                  "(rows were inserted outside provisioner)")
    base = rows[:expected.base_count]
    if not hmac.compare_digest(_digest(workspace, base), expected.base_digest):
        raise tampered(workspace, f"one of its first {len(base)} rows (written before the chain was established "
                                  "or before the last rekey) was edited, deleted or inserted")
    prev = expected.base_digest
    for row in rows[expected.base_count:]:
        mac = row_mac(key, workspace, _content(row), prev)
        if row[8] is None or not hmac.compare_digest(str(row[8]), mac):
            raise tampered(workspace, f"{_where(row)} was edited, or a row before it was deleted or inserted")
        prev = mac
    if not hmac.compare_digest(prev, expected.mac):
        raise tampered(workspace, "its last row is not the one the workspace chain records")
    return [HistoryEntry(serial=int(r[1]), action=r[2], address=r[3], actor=r[4], at=datetime.fromisoformat(r[5]),
                         outcome=r[6], detail=r[7]) for r in rows]


def check_triggers(tx: Tx, dialect: str, workspace: str) -> None:
    if dialect == "sqlite":
        rows = tx.all("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'history'")
    else:
        rows = tx.all("SELECT tgname FROM pg_trigger WHERE tgrelid = 'history'::regclass "
                      "AND NOT tgisinternal AND tgenabled <> 'D'")
    missing = sorted(set(TRIGGERS[dialect]) - {str(r[0]) for r in rows})
    if missing:
        raise tampered(workspace, f"its append-only trigger(s) {', '.join(missing)} were dropped or disabled")


def check_head(tx: Tx, workspace: str, expected: Head) -> None:
    """The quick check every write makes: the count and the last row are what the chain records."""
    row = tx.one("SELECT COUNT(*) FROM history WHERE workspace = ?", (workspace,))
    count = int(row[0]) if row else 0
    if count != expected.count:
        raise tampered(workspace, f"it has {count} rows, the workspace chain records {expected.count}")
    if count > expected.base_count:
        last = tx.one("SELECT mac FROM history WHERE workspace = ? ORDER BY id DESC LIMIT 1", (workspace,))
        if last is None or last[0] is None or not hmac.compare_digest(str(last[0]), expected.mac):
            raise tampered(workspace, "its last row is not the one the workspace chain records")
