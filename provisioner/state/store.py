"""The ``Store`` protocol: one contract, two implementations (SQLite, PostgreSQL), one conformance suite.

A store is a context manager: ``with open_store(url, workspace=..., key=...) as store:`` closes it on exit.
``state.missing.EmptyStore`` implements it too, for a plan made before the workspace exists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, Self

from provisioner.errors import StateError
from provisioner.state.drift_runs import DriftEntry, DriftResult, DriftRun
from provisioner.state.records import HistoryEntry, LockInfo, Note, Put, RecordWrite, Snapshot


class Store(Protocol):
    """A workspace's state. Every method raises ``StateError`` (or ``LockError``) on failure, never a driver error."""

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None:
        """Close the store."""
        ...

    @property
    def workspace(self) -> str: ...

    def snapshot(self) -> Snapshot:
        """The sound records of the workspace (each verified against its MAC and the workspace chain) and, in
        ``tampered``, the ones that are not, with why; a workspace-level failure (chain, serial, history) raises."""
        ...

    def fingerprint(self, address: str, path: str, value: str) -> str:
        """The keyed fingerprint the store would record for ``value`` at ``address``/``path``."""
        ...

    def put(self, write: RecordWrite, *, action: str, actor: str) -> int:
        """Create or replace a record and append history, in one transaction; returns the new serial."""
        ...

    def put_many(self, puts: Sequence[Put], *, actor: str, notes: Sequence[Note] = ()) -> list[int | StateError]:
        """``put`` of each of ``puts`` in turn (a serial and a history row each) and ``append_history`` of each
        of ``notes``, all in one transaction (a group commit: the workspace chain is rewritten once, not once
        a record). Returns, for each put, its serial or the ``StateError`` that refused that one record (a
        tampered one): the others are still written. A workspace-level failure raises and writes nothing."""
        ...

    def delete(self, address: str, *, actor: str) -> int:
        """Remove a record and append history, in one transaction; returns the new serial."""
        ...

    def quarantine(self, address: str, *, actor: str) -> int:
        """Move a record (tampered or not) aside: kept in ``quarantine`` for inspection, gone from the
        workspace and its chain, recorded in history; returns the new serial."""
        ...

    def remove(self, address: str, *, actor: str) -> int:
        """Remove a record (tampered, missing or sound) from the workspace and its chain, recorded in history."""
        ...

    def append_history(self, entry_action: str, address: str | None, *, actor: str, outcome: str,
                       detail: str | None = None) -> None:
        """Record an event that changes no record (a failed test, an unlock); the serial does not move."""
        ...

    def unseal(self, address: str) -> dict[str, str]:
        """The secret values of a record by path. Only for code that must use them (probes)."""
        ...

    def unseal_many(self, addresses: Sequence[str]) -> dict[str, dict[str, str] | StateError]:
        """``unseal`` of each address, from one read of the workspace (its chain is verified once, not once a
        record: at 10,000 records the chain is a megabyte): the secrets, or the ``StateError`` ``unseal``
        would raise for that one (tampered, missing)."""
        ...

    def history(self, limit: int | None = None) -> list[HistoryEntry]: ...

    def record_drift(self, results: Sequence[DriftResult], *, actor: str, git_commit: str | None,
                     tested: bool) -> DriftRun:
        """Record one drift run apart from the records and their history; the serial does not move."""
        ...

    def drift_runs(self, limit: int | None = None) -> list[DriftRun]:
        """The last ``limit`` drift runs (all when None), oldest first."""
        ...

    def last_drift(self) -> dict[str, DriftEntry]:
        """Each address's result in the last drift run that looked at it."""
        ...

    def lock(self, operation: str, *, timeout: float) -> AbstractContextManager[LockInfo]:
        """Take the workspace lease (waiting up to ``timeout`` seconds), heartbeat while held, release on exit."""
        ...

    def locks(self) -> list[LockInfo]: ...

    def unlock(self, lock_id: str, *, actor: str) -> None: ...

    def rekey(self, new_key: bytes, *, actor: str, progress: Callable[[str], None] | None = None) -> None:
        """Re-seal every secret and re-MAC every record under ``new_key``, atomically. ``progress`` is
        called with ``rekey-verified``, ``rekey-resealed`` (once per record) and ``rekey-written`` (all
        written, not yet committed): the crash tests' kill points (provisioner/apply/checkpoints.py)."""
        ...

    def close(self) -> None: ...


class StoreContext:
    """What every store shares: its workspace's name, and use as a context manager that closes it."""

    _workspace: str

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def workspace(self) -> str:
        return self._workspace

    def close(self) -> None:
        pass
