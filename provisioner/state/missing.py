"""A state or workspace that does not exist yet: the error read-only opens raise, and the empty store plan uses.

Read-only commands never create a state file, a schema or a workspace (that is ``apply``'s job).
``plan`` may still run before the first apply: it reads an ``EmptyStore``, whose snapshot has
lineage ``""`` and serial 0 — "made before the workspace existed" to the staleness check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

from provisioner.errors import StateError
from provisioner.secrets.fingerprint import fingerprint
from provisioner.secrets.keys import StateKeys
from provisioner.state.drift_runs import DriftEntry, DriftResult, DriftRun
from provisioner.state.records import HistoryEntry, LockInfo, Note, Put, RecordWrite, Snapshot
from provisioner.state.store import StoreContext

MISSING = "state-workspace-missing"


def workspace_missing(workspace: str, where: str, existing: Sequence[str]) -> StateError:
    """The error for a workspace (or a whole state) that does not exist; it names the ones that do."""
    if not existing:
        return StateError(f"no state exists yet at {where} (workspace {workspace})",
                          hint="run `provisioner apply` first: it creates the state and the workspace", code=MISSING)
    return StateError(
        f"workspace {workspace} does not exist in {where}; existing workspaces: {', '.join(existing)}",
        hint="check --workspace, PROVISIONER_WORKSPACE or `workspace:` in provisioner.yaml "
             "(`provisioner apply` creates a new workspace)",
        code=MISSING,
    )


class EmptyStore(StoreContext):
    """A read-only stand-in for a workspace that does not exist yet: no records, no history, no locks."""

    def __init__(self, workspace: str, key: bytes, where: str) -> None:
        self._workspace = workspace
        self._keys = StateKeys.derive(key)
        self._where = where

    def _refuse(self) -> StateError:
        return workspace_missing(self._workspace, self._where, ())

    def snapshot(self) -> Snapshot:
        return Snapshot(workspace=self._workspace, lineage="", serial=0)

    def fingerprint(self, address: str, path: str, value: str) -> str:
        return fingerprint(self._keys.fingerprint, address=address, path=path, value=value)

    def put(self, write: RecordWrite, *, action: str, actor: str) -> int:
        raise self._refuse()

    def put_many(self, puts: Sequence[Put], *, actor: str, notes: Sequence[Note] = ()) -> list[int | StateError]:
        raise self._refuse()

    def delete(self, address: str, *, actor: str) -> int:
        raise self._refuse()

    def quarantine(self, address: str, *, actor: str) -> int:
        raise self._refuse()

    def remove(self, address: str, *, actor: str) -> int:
        raise self._refuse()

    def append_history(self, entry_action: str, address: str | None, *, actor: str, outcome: str,
                       detail: str | None = None) -> None:
        raise self._refuse()

    def unseal(self, address: str) -> dict[str, str]:
        raise self._refuse()

    def unseal_many(self, addresses: Sequence[str]) -> dict[str, dict[str, str] | StateError]:
        raise self._refuse()

    def history(self, limit: int | None = None) -> list[HistoryEntry]:
        return []

    def record_drift(self, results: Sequence[DriftResult], *, actor: str, git_commit: str | None,
                     tested: bool) -> DriftRun:
        raise self._refuse()

    def drift_runs(self, limit: int | None = None) -> list[DriftRun]:
        return []

    def last_drift(self) -> dict[str, DriftEntry]:
        return {}

    @contextmanager
    def _no_lease(self) -> Iterator[LockInfo]:
        raise self._refuse()
        yield  # pragma: no cover - unreachable; makes this a generator

    def lock(self, operation: str, *, timeout: float) -> AbstractContextManager[LockInfo]:
        return self._no_lease()

    def locks(self) -> list[LockInfo]:
        return []

    def unlock(self, lock_id: str, *, actor: str) -> None:
        raise self._refuse()

    def rekey(self, new_key: bytes, *, actor: str, progress: Callable[[str], None] | None = None) -> None:
        raise self._refuse()

