"""What the state holds, as the rest of the pipeline sees it. Stores verify and unseal; these are plain values.

A ``Record`` never carries a secret value: only keyed fingerprints and digests of the SOPS
ciphertext. Secret values go *in* through ``RecordWrite`` (sealed by the store) and come
*out* only through ``Store.unseal`` for the code that must use them (tests from state, drift).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Record:
    address: str  # "connection.NAME" or "agent.NAME"
    kind: str  # "Connection" or "Agent"
    name: str
    spec: Mapping[str, Any]  # the normalised declaration with secret fields removed
    fingerprints: Mapping[str, str]  # secret path ("spec.auth.accessToken") -> keyed fingerprint (hex)
    sops_digests: Mapping[str, str]  # secret path -> sha256 (hex) of the committed ENC[...] text
    last_test: Mapping[str, Any] | None  # {"outcome": "ok", "status": 200, "elapsed_ms": 12.3, ...}; 0.1: elapsedMs
    applied_at: datetime
    applied_by: str
    git_commit: str | None
    serial: int  # the workspace serial of the write that produced this record
    # What the target returned when it applied this record (a remote id, a remote version or
    # last-modified time); empty for the ``local`` target, whose registry is this state itself.
    target_outputs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordWrite:
    """A record to create or replace; ``secrets`` are values, sealed by the store before they are stored."""

    address: str
    kind: str
    name: str
    spec: Mapping[str, Any]
    secrets: Mapping[str, str]
    sops_digests: Mapping[str, str]
    last_test: Mapping[str, Any] | None
    applied_by: str
    git_commit: str | None = None
    target_outputs: Mapping[str, Any] = field(default_factory=dict)  # see Record.target_outputs

    def __repr__(self) -> str:  # never show secret values, even in a debugger or a log line
        return f"RecordWrite(address={self.address!r}, secrets={sorted(self.secrets)!r})"


@dataclass(frozen=True)
class Put:
    """One record write of a batch (``Store.put_many``), with the history action it is logged under."""

    action: str  # "create" | "update"
    write: RecordWrite


@dataclass(frozen=True)
class Note:
    """A history entry that changes no record (a failed test), written with a batch (``Store.put_many``)."""

    action: str
    address: str | None
    outcome: str
    detail: str | None = None  # never a secret


@dataclass(frozen=True)
class Snapshot:
    workspace: str
    lineage: str
    serial: int
    records: Mapping[str, Record] = field(default_factory=dict)  # by address; verified, never a tampered one
    # address -> why it is not trusted (edited, missing, older, extra...): left out of ``records``, so the
    # rest of the workspace keeps working; writes to these addresses are refused until quarantined or removed.
    tampered: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryEntry:
    serial: int
    action: str  # "create" | "update" | "delete" | "test" | "rekey" | "unlock" ...
    address: str | None
    actor: str
    at: datetime
    outcome: str  # "ok" | "failed" | "skipped" ...
    detail: str | None = None  # never a secret


@dataclass(frozen=True)
class LockInfo:
    lock_id: str
    workspace: str
    operation: str
    holder: str  # "user@host pid=N" (+ " run=URL" in CI)
    created_at: datetime
    expires_at: datetime
    # boot id, pid namespace inode, pid, process start time: proves a holder dead (None: never, wait for expiry)
    identity: Mapping[str, Any] | None = None
