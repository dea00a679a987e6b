"""``SqlStore``: the one implementation of ``Store`` over either backend (SQLite or PostgreSQL).

Every write runs in one transaction that locks the workspace row, checks the key and the lease,
moves the serial, writes the record and appends its history row — all or nothing.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Self

from provisioner.errors import StateError
from provisioner.secrets.fingerprint import fingerprint
from provisioner.secrets.keys import StateKeys
from provisioner.state import codec, drift_runs, history, leases
from provisioner.state.backend import Backend, Tx
from provisioner.state.drift_runs import DriftEntry, DriftResult, DriftRun
from provisioner.state.missing import workspace_missing
from provisioner.state.records import HistoryEntry, LockInfo, RecordWrite, Snapshot
from provisioner.state.schema import ensure_schema

_SELECT_RECORD = f"SELECT {', '.join(codec.COLUMNS)} FROM records WHERE workspace = ?"  # noqa: S608 - constant
_COLS = ", ".join(codec.COLUMNS)
_MARKS = ", ".join("?" for _ in codec.COLUMNS)
_UPDATES = ", ".join(f"{c} = excluded.{c}" for c in codec.COLUMNS if c != "address")
_UPSERT_RECORD = f"INSERT INTO records (workspace, {_COLS}) VALUES (?, {_MARKS}) ON CONFLICT (workspace, address) DO UPDATE SET {_UPDATES}"  # noqa: E501,S608 - constants
_RESEAL_RECORD = ("UPDATE records SET sealed = ?, fingerprints = ?, format_version = ?, mac = ? "
                  "WHERE workspace = ? AND address = ?")
_REKEY_PAUSE_ENV = "PROVISIONER_TEST_REKEY_PAUSE"  # test hook: seconds to sleep after each re-sealed record


def wrong_key(workspace: str, where: str) -> StateError:
    return StateError(
        f"wrong state key for workspace {workspace} at {where}: the state was sealed with a different key",
        hint="use the key this state was created or last rekeyed with (PROVISIONER_STATE_KEY or the key file)",
        code="state-wrong-key",
    )


class SqlStore:
    """A workspace's state. ``create=True`` creates the schema and the workspace when missing (apply);
    otherwise a missing schema or workspace raises ``StateError(code="state-workspace-missing")`` and
    nothing is created (an existing older schema is still migrated: that adds, never rewrites)."""

    def __init__(self, backend: Backend, workspace: str, key: bytes, *, create: bool = False,
                 lease_seconds: float = 60.0) -> None:
        self._backend = backend
        self._workspace = workspace
        self._keys = StateKeys.derive(key)
        self._lease_seconds = lease_seconds
        self._held: str | None = None
        if not create and not backend.has_table("schema_version"):
            raise workspace_missing(workspace, backend.description, ())
        ensure_schema(backend)
        if create:
            with backend.write() as tx:
                tx.execute(
                    "INSERT INTO workspaces (name, lineage, serial, key_check, created_at) VALUES (?, ?, 0, ?, ?) "
                    "ON CONFLICT (name) DO NOTHING",
                    (workspace, str(uuid.uuid4()), self._keys.key_check(workspace), tx.now().isoformat()),
                )
                self._workspace_row(tx, lock=False)
            return
        with backend.read() as tx:
            if tx.one("SELECT 1 FROM workspaces WHERE name = ?", (workspace,)) is None:
                existing = [str(r[0]) for r in tx.all("SELECT name FROM workspaces ORDER BY name")]
                raise workspace_missing(workspace, backend.description, existing)
            self._workspace_row(tx, lock=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def workspace(self) -> str:
        return self._workspace

    def _workspace_row(self, tx: Tx, *, lock: bool) -> tuple[str, int]:
        """(lineage, serial) of the workspace, after checking that this store's key is the state's key."""
        sql = "SELECT lineage, serial, key_check FROM workspaces WHERE name = ?"
        sql += tx.for_update if lock else ""
        row = tx.one(sql, (self._workspace,))
        if row is None:
            raise StateError(f"workspace {self._workspace} does not exist in {self._backend.description}")
        if not hmac.compare_digest(str(row[2]), self._keys.key_check(self._workspace)):
            raise wrong_key(self._workspace, self._backend.description)
        return str(row[0]), int(row[1])

    def _stored(self, tx: Tx, address: str) -> codec.StoredRecord | None:
        row = tx.one(_SELECT_RECORD + " AND address = ?", (self._workspace, address))
        return codec.StoredRecord.from_row(row) if row else None

    def snapshot(self) -> Snapshot:
        with self._backend.read() as tx:
            lineage, serial = self._workspace_row(tx, lock=False)
            rows = tx.all(_SELECT_RECORD + " ORDER BY address", (self._workspace,))
        records = {}
        for row in rows:
            stored = codec.StoredRecord.from_row(row)
            records[stored.address] = codec.decode(self._keys, self._workspace, lineage, stored)
        return Snapshot(workspace=self._workspace, lineage=lineage, serial=serial, records=records)

    def fingerprint(self, address: str, path: str, value: str) -> str:
        return fingerprint(self._keys.fingerprint, address=address, path=path, value=value)

    def _begin_write(self, tx: Tx) -> tuple[str, int]:
        """Lock the workspace row, check key and lease; returns (lineage, the new serial) after moving it."""
        lineage, serial = self._workspace_row(tx, lock=True)
        leases.check_writer(tx, self._workspace, self._held)
        tx.execute("UPDATE workspaces SET serial = ? WHERE name = ?", (serial + 1, self._workspace))
        return lineage, serial + 1

    def put(self, write: RecordWrite, *, action: str, actor: str) -> int:
        with self._backend.write() as tx:
            lineage, serial = self._begin_write(tx)
            stored = codec.encode(self._keys, self._workspace, lineage, write, serial=serial, applied_at=tx.now())
            tx.execute(_UPSERT_RECORD, (self._workspace, *stored.as_row()))
            history.append(tx, self._workspace, serial, action, write.address, actor=actor)
        return serial

    def delete(self, address: str, *, actor: str) -> int:
        with self._backend.write() as tx:
            _, serial = self._begin_write(tx)
            if tx.execute("DELETE FROM records WHERE workspace = ? AND address = ?", (self._workspace, address)) == 0:
                raise StateError(f"no record {address} in workspace {self._workspace}",
                                 hint="see `provisioner state list`")
            history.append(tx, self._workspace, serial, "delete", address, actor=actor)
        return serial

    def append_history(self, entry_action: str, address: str | None, *, actor: str, outcome: str,
                       detail: str | None = None) -> None:
        with self._backend.write() as tx:
            _, serial = self._workspace_row(tx, lock=False)
            history.append(tx, self._workspace, serial, entry_action, address, actor=actor, outcome=outcome,
                           detail=detail)

    def unseal(self, address: str) -> dict[str, str]:
        with self._backend.read() as tx:
            lineage, _ = self._workspace_row(tx, lock=False)
            stored = self._stored(tx, address)
        if stored is None:
            raise StateError(f"no record {address} in workspace {self._workspace}", hint="see `provisioner state list`")
        return codec.open_secrets(self._keys, self._workspace, lineage, stored)

    def history(self, limit: int | None = None) -> list[HistoryEntry]:
        with self._backend.read() as tx:
            return history.read(tx, self._workspace, limit)

    def record_drift(self, results: Sequence[DriftResult], *, actor: str, git_commit: str | None,
                     tested: bool) -> DriftRun:
        with self._backend.write() as tx:
            _, serial = self._workspace_row(tx, lock=False)
            return drift_runs.write(tx, self._workspace, serial, actor=actor, git_commit=git_commit,
                                    tested=tested, results=results)

    def drift_runs(self, limit: int | None = None) -> list[DriftRun]:
        with self._backend.read() as tx:
            return drift_runs.runs(tx, self._workspace, limit)

    def last_drift(self) -> dict[str, DriftEntry]:
        with self._backend.read() as tx:
            return drift_runs.latest(tx, self._workspace)

    @contextmanager
    def _lease(self, operation: str, timeout: float) -> Iterator[LockInfo]:
        if self._held is not None:
            raise StateError(f"this run already holds the lease {self._held} on workspace {self._workspace}")
        holder = leases.holder_description()
        # The id is chosen before the lease is taken, so that a signal arriving just after the row is
        # committed (before ``acquire`` even returns) still finds what to release in ``finally``.
        lock_id = str(uuid.uuid4())

        def take() -> tuple[LockInfo, bool]:
            with self._backend.write() as tx:
                _, serial = self._workspace_row(tx, lock=True)
                return leases.try_take(tx, self._workspace, serial=serial, operation=operation, holder=holder,
                                       seconds=self._lease_seconds, lock_id=lock_id)

        beat: leases.Heartbeat | None = None
        try:
            info = leases.acquire(take, timeout)
            self._held = info.lock_id
            beat = leases.Heartbeat(self._backend.reopen(), self._workspace, info.lock_id, self._lease_seconds)
            beat.start()
            yield info
        finally:
            if beat is not None:
                beat.stop()
            self._held = None
            # Also when acquire failed (a no-op then); a failed release must not hide the error in flight.
            with contextlib.suppress(*((StateError,) if sys.exc_info()[0] is not None else ())), \
                    self._backend.write() as tx:
                tx.execute("DELETE FROM leases WHERE workspace = ? AND lock_id = ?", (self._workspace, lock_id))

    def lock(self, operation: str, *, timeout: float) -> AbstractContextManager[LockInfo]:
        return self._lease(operation, timeout)

    def locks(self) -> list[LockInfo]:
        with self._backend.read() as tx:
            lease = leases.current(tx, self._workspace)
        return [lease] if lease else []

    def unlock(self, lock_id: str, *, actor: str) -> None:
        with self._backend.write() as tx:
            _, serial = self._workspace_row(tx, lock=True)
            lease = leases.current(tx, self._workspace)
            if lease is None or lease.lock_id != lock_id:
                raise StateError(f"no lock {lock_id} on workspace {self._workspace}",
                                 hint="see `provisioner state locks` for the current one")
            tx.execute("DELETE FROM leases WHERE workspace = ? AND lock_id = ?", (self._workspace, lock_id))
            history.append(tx, self._workspace, serial, "unlock", None, actor=actor,
                           detail=f"released lock {lock_id} of {lease.holder} for '{lease.operation}'")

    def rekey(self, new_key: bytes, *, actor: str) -> None:
        new = StateKeys.derive(new_key)
        pause = float(os.environ.get(_REKEY_PAUSE_ENV) or 0)
        with self._backend.write() as tx:
            lineage, serial = self._begin_write(tx)
            rows = tx.all(_SELECT_RECORD + " ORDER BY address", (self._workspace,))
            for row in rows:
                fresh = codec.reseal(self._keys, new, self._workspace, lineage, codec.StoredRecord.from_row(row))
                values = (fresh.sealed, fresh.fingerprints, fresh.format_version, fresh.mac, self._workspace,
                          fresh.address)
                tx.execute(_RESEAL_RECORD, values)
                if pause:
                    time.sleep(pause)
            tx.execute("UPDATE workspaces SET key_check = ? WHERE name = ?",
                       (new.key_check(self._workspace), self._workspace))
            history.append(tx, self._workspace, serial, "rekey", None, actor=actor,
                           detail=f"re-sealed {len(rows)} records under a new key")
        self._keys = new

    def close(self) -> None:
        self._backend.close()
