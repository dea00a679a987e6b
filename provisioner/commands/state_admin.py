"""``state unlock`` and ``state rekey``: the two commands that repair or re-seal the state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from provisioner.commands.state_open import open_project_store
from provisioner.config import ProjectConfig
from provisioner.secrets.keys import read_key_file
from provisioner.state.leases import holder_description


@dataclass(frozen=True)
class StateUnlockResult:
    workspace: str
    lock_id: str


@dataclass(frozen=True)
class StateRekeyResult:
    workspace: str
    records: int
    serial: int
    new_key_file: Path


def unlock_state(config: ProjectConfig, lock_id: str, workspace: str | None = None) -> StateUnlockResult:
    with open_project_store(config, workspace) as store:
        store.unlock(lock_id, actor=holder_description())
        return StateUnlockResult(store.workspace, lock_id)


def rekey_state(config: ProjectConfig, new_key_file: Path, *, lock_timeout: float = 0.0,
                workspace: str | None = None) -> StateRekeyResult:
    """Re-seal the workspace under the key in ``new_key_file`` (read from a file: never from argv)."""
    new_key = read_key_file(new_key_file)
    with open_project_store(config, workspace) as store:
        with store.lock("rekey", timeout=lock_timeout):
            store.rekey(new_key, actor=holder_description())
        snap = store.snapshot()
        return StateRekeyResult(store.workspace, len(snap.records), snap.serial, new_key_file)
