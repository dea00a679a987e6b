"""``SqlStore``: the one implementation of ``Store`` over either backend (SQLite or PostgreSQL).

Every write runs in one transaction (a ``workspace_row.Writer``) that locks the workspace row,
checks the key, the integrity chain and the lease, moves the serial, writes the record, appends
its chained history row and advances the chain — all or nothing.
"""

from __future__ import annotations

import contextlib
import json
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace

from provisioner.errors import StateError
from provisioner.secrets.fingerprint import fingerprint
from provisioner.state import chain, codec, drift_runs, history, leases, workspace_row
from provisioner.state.backend import Backend, Tx
from provisioner.state.drift_runs import DriftEntry, DriftResult, DriftRun
from provisioner.state.missing import workspace_missing
from provisioner.state.records import HistoryEntry, LockInfo, Note, Put, RecordWrite, Snapshot
from provisioner.state.schema import ensure_schema
from provisioner.state.store import StoreContext
from provisioner.state.verify import problem, sort_records, tampered_record
from provisioner.state.workspace_row import Keys, Writer

_SELECT_RECORD = f"SELECT {', '.join(codec.COLUMNS)} FROM records WHERE workspace = ?"  # noqa: S608 - constant
_COLS = ", ".join(codec.COLUMNS)
_MARKS = ", ".join("?" for _ in codec.COLUMNS)
_UPDATES = ", ".join(f"{c} = excluded.{c}" for c in codec.COLUMNS if c != "address")
_UPSERT_RECORD = f"INSERT INTO records (workspace, {_COLS}) VALUES (?, {_MARKS}) ON CONFLICT (workspace, address) DO UPDATE SET {_UPDATES}"  # noqa: E501,S608 - constants
_RESEAL_RECORD = ("UPDATE records SET sealed = ?, fingerprints = ?, format_version = ?, mac = ? "
                  "WHERE workspace = ? AND address = ?")


class SqlStore(StoreContext):
    """A workspace's state. ``create=True`` creates the schema and the workspace when missing (apply);
    otherwise a missing schema or workspace raises ``StateError(code="state-workspace-missing")`` and
    nothing is created (an existing older schema is still migrated: that adds, never rewrites)."""

    def __init__(self, backend: Backend, workspace: str, key: bytes, *, create: bool = False,
                 lease_seconds: float = 60.0) -> None:
        self._backend = backend
        self._workspace = workspace
        self._keys = Keys.derive(key)
        self._lease_seconds = lease_seconds
        self._held: str | None = None
        where = backend.description
        if not create and not backend.has_table("schema_version"):
            raise workspace_missing(workspace, where, ())
        ensure_schema(backend)
        with backend.read() as tx:
            exists = tx.one("SELECT 1 FROM workspaces WHERE name = ?", (workspace,)) is not None
            if not exists and not create:
                existing = [str(r[0]) for r in tx.all("SELECT name FROM workspaces ORDER BY name")]
                raise workspace_missing(workspace, where, existing)
            row = workspace_row.read(tx, self._keys, workspace, where, lock=False) if exists else None
        if row is not None and row.chain is not None:
            return
        with backend.write() as tx:
            if row is None:
                empty = workspace_row.empty_chain().to_json()
                lineage = str(uuid.uuid4())
                tx.execute(
                    "INSERT INTO workspaces (name, lineage, serial, key_check, created_at, chain, chain_mac) "
                    "VALUES (?, ?, 0, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
                    (workspace, lineage, chain.chained_key_check(self._keys.state.check, workspace),
                     tx.now().isoformat(), empty,
                     chain.chain_mac(self._keys.chain, workspace, lineage, empty)),
                )
            # A workspace from before the chain (0.1, or before the migration): the first keyed open seals it.
            workspace_row.establish(tx, self._keys, workspace, where)

    def _row(self, tx: Tx) -> workspace_row.WorkspaceRow:
        row = workspace_row.read(tx, self._keys, self._workspace, self._backend.description, lock=False)
        if row.chain is None:
            raise chain.workspace_tampered(self._workspace, "its integrity chain is missing")
        return row

    def _stored(self, tx: Tx, address: str) -> codec.StoredRecord | None:
        row = tx.one(_SELECT_RECORD + " AND address = ?", (self._workspace, address))
        return codec.StoredRecord.from_row(row) if row else None

    def snapshot(self) -> Snapshot:
        """Every sound record, and the tampered ones named in ``tampered``; the history chain is verified too."""
        with self._backend.read() as tx:
            row = self._row(tx)
            assert row.chain is not None
            rows = [codec.StoredRecord.from_row(r) for r in tx.all(_SELECT_RECORD + " ORDER BY address",
                                                                   (self._workspace,))]
            history.verify(tx, self._keys.chain.history, self._backend.dialect, self._workspace, row.chain.history)
        records, tampered = sort_records(self._keys, self._workspace, row.lineage, row.chain, rows)
        return Snapshot(workspace=self._workspace, lineage=row.lineage, serial=row.serial, records=records,
                        tampered=tampered)

    def fingerprint(self, address: str, path: str, value: str) -> str:
        return fingerprint(self._keys.state.fingerprint, address=address, path=path, value=value)

    @contextmanager
    def _write(self, *, bump: bool = True, lease: bool = True) -> Iterator[Writer]:
        with self._backend.write() as tx:
            w = Writer(tx, self._keys, self._workspace, self._backend.description, bump=bump)
            if lease:
                leases.check_writer(tx, self._workspace, self._held)
            yield w
            w.finish()

    def _sound(self, w: Writer, address: str) -> codec.StoredRecord | None:
        """The stored record at ``address``, refused when tampered (writes wait for quarantine or rm)."""
        stored = self._stored(w.tx, address)
        why = problem(self._keys, self._workspace, w.lineage, w.chain, address=address, stored=stored)
        if why is not None:
            raise tampered_record(self._workspace, address, why + "; writes to it are refused until it is "
                                  "quarantined or removed")
        return stored

    def put(self, write: RecordWrite, *, action: str, actor: str) -> int:
        [result] = self.put_many([Put(action, write)], actor=actor)
        if isinstance(result, StateError):
            raise result
        return result

    def put_many(self, puts: Sequence[Put], *, actor: str, notes: Sequence[Note] = ()) -> list[int | StateError]:
        results: list[int | StateError] = []
        if not puts and not notes:
            return results
        with self._write(bump=False) as w:
            for put in puts:
                try:
                    self._sound(w, put.write.address)
                except StateError as exc:  # this record is refused; the rest of the batch is written
                    results.append(exc)
                    continue
                serial = w.bump()
                stored = codec.encode(self._keys.state, self._workspace, w.lineage, put.write, serial=serial,
                                      applied_at=w.tx.now())
                w.tx.execute(_UPSERT_RECORD, (self._workspace, *stored.as_row()))
                w.chain = w.chain.with_record(stored.address, stored.serial, stored.mac)
                w.log(put.action, put.write.address, actor=actor)
                results.append(serial)
            for note in notes:
                w.log(note.action, note.address, actor=actor, outcome=note.outcome, detail=note.detail)
        return results

    def delete(self, address: str, *, actor: str) -> int:
        with self._write() as w:
            if self._sound(w, address) is None:
                raise StateError(f"no record {address} in workspace {self._workspace}",
                                 hint="see `provisioner state list`")
            w.tx.execute("DELETE FROM records WHERE workspace = ? AND address = ?", (self._workspace, address))
            w.chain = w.chain.without(address)
            w.log("delete", address, actor=actor)
        return w.serial

    def quarantine(self, address: str, *, actor: str) -> int:
        return self.set_aside(address, actor=actor, keep=True)

    def remove(self, address: str, *, actor: str) -> int:
        return self.set_aside(address, actor=actor, keep=False)

    def set_aside(self, address: str, *, actor: str, keep: bool) -> int:
        """``state quarantine`` (``keep``: the row moves to the quarantine table) or ``state rm``: the record
        leaves the workspace and its chain, sound or tampered, with a history entry."""
        action = "quarantine" if keep else "rm"
        with self._write() as w:
            stored = self._stored(w.tx, address)
            why = problem(self._keys, self._workspace, w.lineage, w.chain, address=address, stored=stored)
            if stored is None and address not in w.chain.records:
                raise StateError(f"no record {address} in workspace {self._workspace}",
                                 hint="see `provisioner state list`")
            if keep and stored is None:
                raise StateError(f"record {address} in workspace {self._workspace} has no row to quarantine "
                                 f"({why})", hint=f"remove it from the chain with `provisioner state rm {address}`")
            if stored is not None:
                if keep:
                    w.tx.execute("INSERT INTO quarantine (workspace, address, quarantined_at, actor, reason, row) "
                                 "VALUES (?, ?, ?, ?, ?, ?)",
                                 (self._workspace, address, w.tx.now().isoformat(), actor, why or "sound",
                                  json.dumps(dict(zip(codec.COLUMNS, stored.as_row(), strict=True)))))
                w.tx.execute("DELETE FROM records WHERE workspace = ? AND address = ?", (self._workspace, address))
            w.chain = w.chain.without(address)
            w.log(action, address, actor=actor, detail=f"was {why}" if why else "was sound")
        return w.serial

    def append_history(self, entry_action: str, address: str | None, *, actor: str, outcome: str,
                       detail: str | None = None) -> None:
        with self._write(bump=False, lease=False) as w:
            w.log(entry_action, address, actor=actor, outcome=outcome, detail=detail)

    def unseal(self, address: str) -> dict[str, str]:
        with self._backend.read() as tx:
            row = self._row(tx)
            stored = self._stored(tx, address)
        return self._opened(row, address, stored)

    def unseal_many(self, addresses: Sequence[str]) -> dict[str, dict[str, str] | StateError]:
        with self._backend.read() as tx:
            row = self._row(tx)
            rows = {r.address: r for r in (codec.StoredRecord.from_row(x)
                                           for x in tx.all(_SELECT_RECORD, (self._workspace,)))}
        found: dict[str, dict[str, str] | StateError] = {}
        for address in addresses:
            try:
                found[address] = self._opened(row, address, rows.get(address))
            except StateError as exc:
                found[address] = exc
        return found

    def _opened(self, row: workspace_row.WorkspaceRow, address: str,
                stored: codec.StoredRecord | None) -> dict[str, str]:
        assert row.chain is not None
        why = problem(self._keys, self._workspace, row.lineage, row.chain, address=address, stored=stored)
        if why is not None:
            raise tampered_record(self._workspace, address, why)
        if stored is None:
            raise StateError(f"no record {address} in workspace {self._workspace}", hint="see `provisioner state list`")
        return codec.open_secrets(self._keys.state, self._workspace, row.lineage, stored)

    def history(self, limit: int | None = None) -> list[HistoryEntry]:
        """The history, oldest first, after verifying all of it (chain and triggers)."""
        with self._backend.read() as tx:
            row = self._row(tx)
            assert row.chain is not None
            entries = history.verify(tx, self._keys.chain.history, self._backend.dialect, self._workspace,
                                     row.chain.history)
        return entries[-limit:] if limit is not None else entries

    def record_drift(self, results: Sequence[DriftResult], *, actor: str, git_commit: str | None,
                     tested: bool) -> DriftRun:
        with self._backend.write() as tx:
            serial = self._row(tx).serial
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
            with self._write(bump=False, lease=False) as w:
                def log(action: str, detail: str) -> None:
                    w.log(action, None, actor=holder, detail=detail)

                return leases.try_take(w.tx, self._workspace, log=log, operation=operation, holder_text=holder,
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
        with self._write(bump=False, lease=False) as w:
            lease = leases.current(w.tx, self._workspace)
            if lease is None or lease.lock_id != lock_id:
                raise StateError(f"no lock {lock_id} on workspace {self._workspace}",
                                 hint="see `provisioner state locks` for the current one")
            w.tx.execute("DELETE FROM leases WHERE workspace = ? AND lock_id = ?", (self._workspace, lock_id))
            w.log("unlock", None, actor=actor,
                  detail=f"released lock {lock_id} of {lease.holder} for '{lease.operation}'")

    def rekey(self, new_key: bytes, *, actor: str, progress: Callable[[str], None] | None = None) -> None:
        new = Keys.derive(new_key)
        mark = progress or (lambda point: None)
        with self._write() as w:
            rows = [codec.StoredRecord.from_row(r)
                    for r in w.tx.all(_SELECT_RECORD + " ORDER BY address", (self._workspace,))]
            _, bad = sort_records(self._keys, self._workspace, w.lineage, w.chain, rows)
            if bad:
                raise tampered_record(self._workspace, sorted(bad)[0],
                                      f"{bad[sorted(bad)[0]]}; quarantine or remove every tampered record "
                                      f"({', '.join(sorted(bad))}) before a rekey")
            history.verify(w.tx, self._keys.chain.history, self._backend.dialect, self._workspace, w.chain.history)
            mark("rekey-verified")
            for stored in rows:
                fresh = codec.reseal(self._keys.state, new.state, self._workspace, w.lineage, stored)
                w.tx.execute(_RESEAL_RECORD, (fresh.sealed, fresh.fingerprints, fresh.format_version, fresh.mac,
                                              self._workspace, fresh.address))
                w.chain = w.chain.with_record(fresh.address, fresh.serial, fresh.mac)
                mark("rekey-resealed")
            # The rows so far were chained under the old key: they become the new chain's base.
            w.keys = new
            w.chain = replace(w.chain, history=history.rebase(w.tx, self._workspace))
            w.log("rekey", None, actor=actor, detail=f"re-sealed {len(rows)} records under a new key")
            mark("rekey-written")  # everything written; the commit follows (w.finish, then the transaction's end)
        self._keys = new

    def close(self) -> None:
        self._backend.close()
