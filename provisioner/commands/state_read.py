"""``state list|show|history|locks``: read the state and return plain results (no secret value, ever)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from provisioner.commands.state_open import open_project_store, resolve_address
from provisioner.config import ProjectConfig
from provisioner.secrets.fingerprint import short
from provisioner.state.drift_runs import DriftEntry
from provisioner.state.records import HistoryEntry, LockInfo, Record
from provisioner.state.verify import tampered_record


@dataclass(frozen=True)
class StateListResult:
    workspace: str
    lineage: str
    serial: int
    records: list[Record]
    tampered: dict[str, str] = field(default_factory=dict)  # address -> why (see Snapshot.tampered)
    drift: Mapping[str, DriftEntry] = field(default_factory=dict)  # last drift result by address


@dataclass(frozen=True)
class StateShowResult:
    workspace: str
    record: Record
    drift: DriftEntry | None = None  # its last drift result

    def secrets(self) -> dict[str, str]:
        """Secret path -> fingerprint prefix; the values themselves never leave the store here."""
        return {path: short(fp) for path, fp in sorted(self.record.fingerprints.items())}


@dataclass(frozen=True)
class StateHistoryResult:
    workspace: str
    entries: list[HistoryEntry]


@dataclass(frozen=True)
class StateLocksResult:
    workspace: str
    locks: list[LockInfo]


def list_state(config: ProjectConfig, workspace: str | None = None) -> StateListResult:
    with open_project_store(config, workspace) as store:
        snap = store.snapshot()
        drift = store.last_drift()
    return StateListResult(snap.workspace, snap.lineage, snap.serial, [snap.records[a] for a in sorted(snap.records)],
                           dict(sorted(snap.tampered.items())), drift)


def show_state(config: ProjectConfig, name: str, workspace: str | None = None) -> StateShowResult:
    with open_project_store(config, workspace) as store:
        snap = store.snapshot()
        drift = store.last_drift()
    address = resolve_address(snap, name)
    if address in snap.tampered:
        raise tampered_record(snap.workspace, address, snap.tampered[address])
    record = snap.records[address]
    return StateShowResult(snap.workspace, record, drift.get(record.address))


def state_history(config: ProjectConfig, limit: int | None = None, workspace: str | None = None) -> StateHistoryResult:
    with open_project_store(config, workspace) as store:
        return StateHistoryResult(store.workspace, store.history(limit))


def state_locks(config: ProjectConfig, workspace: str | None = None) -> StateLocksResult:
    with open_project_store(config, workspace) as store:
        return StateLocksResult(store.workspace, store.locks())
