"""How a record is stored: canonical JSON columns, sealed secrets, and its integrity MAC.

The MAC (HMAC-SHA256 under a key derived from the state key, rules in ``record_mac``) covers
the record's content plus the workspace and its lineage, so editing, swapping or moving any part
of a row — a spec field, a sealed value, a fingerprint, the serial, the target's outputs — is
detected on read. New writes use record format ``FORMAT_VERSION`` (2); version-1 records, written
by 0.1, still verify under their own rule until they are rewritten (an apply, a rekey).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from provisioner.canonical import canonical_json
from provisioner.errors import StateError
from provisioner.secrets.fingerprint import fingerprint
from provisioner.secrets.keys import StateKeys
from provisioner.secrets.sealing import SealError, seal, unseal
from provisioner.state.record_mac import FORMAT_VERSION, mac_matches, record_mac
from provisioner.state.records import Record, RecordWrite

COLUMNS = ("address", "kind", "name", "spec", "sealed", "fingerprints", "sops_digests", "last_test",
           "applied_at", "applied_by", "git_commit", "serial", "target_outputs", "format_version", "mac")


@dataclass(frozen=True)
class StoredRecord:
    """A row of ``records`` exactly as stored (JSON columns as text)."""

    address: str
    kind: str
    name: str
    spec: str
    sealed: str
    fingerprints: str
    sops_digests: str
    last_test: str | None
    applied_at: str
    applied_by: str
    git_commit: str | None
    serial: int
    target_outputs: str
    format_version: int
    mac: str

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> StoredRecord:
        values = dict(zip(COLUMNS, row, strict=True))
        values["serial"] = int(values["serial"])
        values["format_version"] = int(values["format_version"])
        return cls(**values)

    def as_row(self) -> tuple[Any, ...]:
        return tuple(getattr(self, c) for c in COLUMNS)


def tampered(workspace: str, address: str) -> StateError:
    return StateError(
        f"record {address} in workspace {workspace} failed its integrity check: it was changed outside provisioner",
        hint="restore the state from a backup, or re-apply this connection after checking who changed it "
             "(see docs/state.md, Recovery)",
        code="state-tampered",
    )


def verify(keys: StateKeys, workspace: str, lineage: str, r: StoredRecord) -> None:
    if not mac_matches(keys, workspace, lineage, r):
        raise tampered(workspace, r.address)


def encode(keys: StateKeys, workspace: str, lineage: str, w: RecordWrite, *, serial: int,
           applied_at: datetime) -> StoredRecord:
    """Seal, fingerprint and MAC a write for storage at ``serial``."""
    where = {"workspace": workspace, "address": w.address}
    sealed = {path: seal(keys.seal, value, path=path, **where) for path, value in w.secrets.items()}
    prints = {path: fingerprint(keys.fingerprint, address=w.address, path=path, value=value)
              for path, value in w.secrets.items()}
    draft = StoredRecord(
        address=w.address, kind=w.kind, name=w.name, spec=canonical_json(dict(w.spec)),
        sealed=canonical_json(sealed), fingerprints=canonical_json(prints),
        sops_digests=canonical_json(dict(w.sops_digests)),
        last_test=canonical_json(dict(w.last_test)) if w.last_test is not None else None,
        applied_at=applied_at.isoformat(), applied_by=w.applied_by, git_commit=w.git_commit,
        serial=serial, target_outputs=canonical_json(dict(w.target_outputs)), format_version=FORMAT_VERSION,
        mac="",
    )
    return _with_mac(keys, workspace, lineage, draft)


def _with_mac(keys: StateKeys, workspace: str, lineage: str, r: StoredRecord) -> StoredRecord:
    """``r`` as a current-format record with its MAC (a version-1 record is upgraded here)."""
    values = {c: getattr(r, c) for c in COLUMNS}
    values["format_version"] = FORMAT_VERSION
    draft = StoredRecord(**values)
    values["mac"] = record_mac(keys, workspace, lineage, draft)
    return StoredRecord(**values)


def _interned(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {sys.intern(key): value for key, value in pairs}


# Every record repeats the same keys (spec.auth.baseUri, the secret paths, the test's fields): interned, so
# that 10,000 records hold one copy of each instead of 10,000 (issue 16: a snapshot's memory).
_loads = json.JSONDecoder(object_pairs_hook=_interned).decode


def decode(keys: StateKeys, workspace: str, lineage: str, r: StoredRecord) -> Record:
    verify(keys, workspace, lineage, r)
    last_test: Mapping[str, Any] | None = _loads(r.last_test) if r.last_test is not None else None
    return Record(
        address=r.address, kind=r.kind, name=r.name, spec=_loads(r.spec),
        fingerprints=_loads(r.fingerprints), sops_digests=_loads(r.sops_digests), last_test=last_test,
        applied_at=datetime.fromisoformat(r.applied_at), applied_by=r.applied_by, git_commit=r.git_commit,
        serial=r.serial, target_outputs=_loads(r.target_outputs),
    )


def open_secrets(keys: StateKeys, workspace: str, lineage: str, r: StoredRecord) -> dict[str, str]:
    verify(keys, workspace, lineage, r)
    sealed: dict[str, str] = json.loads(r.sealed)
    try:
        return {path: unseal(keys.seal, value, workspace=workspace, address=r.address, path=path)
                for path, value in sealed.items()}
    except SealError:
        raise tampered(workspace, r.address) from None


def reseal(old: StateKeys, new: StateKeys, workspace: str, lineage: str, r: StoredRecord) -> StoredRecord:
    """The same record sealed, fingerprinted and MACed under ``new`` as a current-format record (serial unchanged)."""
    secrets = open_secrets(old, workspace, lineage, r)
    where = {"workspace": workspace, "address": r.address}
    values = {c: getattr(r, c) for c in COLUMNS}
    values["sealed"] = canonical_json({p: seal(new.seal, v, path=p, **where) for p, v in secrets.items()})
    values["fingerprints"] = canonical_json(
        {p: fingerprint(new.fingerprint, address=r.address, path=p, value=v) for p, v in secrets.items()})
    return _with_mac(new, workspace, lineage, StoredRecord(**values))
