"""``state unlock``, ``state rekey``, ``state quarantine`` and ``state rm``: the commands that repair the state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from provisioner.apply.checkpoints import checkpoint
from provisioner.commands.state_open import open_project_store, resolve_address
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
        checkpoint("opened")
        with store.lock("rekey", timeout=lock_timeout):
            checkpoint("locked")
            store.rekey(new_key, actor=holder_description(), progress=checkpoint)
            checkpoint("rekey-committed")
        checkpoint("released")
        snap = store.snapshot()
        return StateRekeyResult(store.workspace, len(snap.records), snap.serial, new_key_file)


@dataclass(frozen=True)
class StateSetAsideResult:
    workspace: str
    address: str
    action: str  # "quarantine" | "rm"
    serial: int


def set_aside(config: ProjectConfig, name: str, *, keep: bool, workspace: str | None = None) -> StateSetAsideResult:
    """``state quarantine NAME`` (``keep``) or ``state rm NAME``: needs the key, recorded in history."""
    with open_project_store(config, workspace) as store:
        address = resolve_address(store.snapshot(), name)
        actor = holder_description()
        serial = store.quarantine(address, actor=actor) if keep else store.remove(address, actor=actor)
        return StateSetAsideResult(store.workspace, address, "quarantine" if keep else "rm", serial)
