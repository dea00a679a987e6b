"""The workspace integrity chain: one MAC over what the workspace holds, advanced with every write.

Record MACs prove a row was written by provisioner; they cannot tell that a row is *missing*, or
that it is an *older* row with its old, valid MAC. The chain can: the workspace row stores
``chain`` (canonical JSON: the serial, every record's ``[address, serial, mac]``, and the head and
length of the history chain) and ``chain_mac``, an HMAC-SHA256 under a key derived from the state
key (HKDF purpose ``workspace-chain``) over the workspace, its lineage and that JSON. Every write
verifies it, changes it, and re-MACs it in the same transaction as the records and history.
"""

from __future__ import annotations

import hmac
import json
import threading
from dataclasses import dataclass, field, replace
from hashlib import sha256
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from provisioner.canonical import canonical_json
from provisioner.errors import StateError
from provisioner.state.history import Head

CHAIN_VERSION = 1


def derive(key: bytes, purpose: str) -> bytes:
    """A purpose-bound key, as ``secrets.keys`` derives the others (info ``provisioner/state/v1/PURPOSE``)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"provisioner/state/v1/{purpose}".encode()).derive(key)


@dataclass(frozen=True)
class ChainKeys:
    workspace: bytes = field(repr=False)
    history: bytes = field(repr=False)

    @classmethod
    def derive(cls, key: bytes) -> ChainKeys:
        return cls(workspace=derive(key, "workspace-chain"), history=derive(key, "history-chain"))


@dataclass(frozen=True)
class Chain:
    """What the workspace commits to: its serial, each record's (serial, MAC), the history head and length."""

    serial: int
    records: dict[str, tuple[int, str]]
    history: Head

    def to_json(self) -> str:
        h = self.history
        return canonical_json({"v": CHAIN_VERSION, "serial": self.serial,
                               "history": [h.base_count, h.base_digest, h.count, h.mac],
                               "records": [[a, s, m] for a, (s, m) in sorted(self.records.items())]})

    @classmethod
    def from_json(cls, text: str) -> Chain:
        data: dict[str, Any] = json.loads(text)
        if data.get("v") != CHAIN_VERSION:
            raise ValueError("unknown chain version")
        base_count, base_digest, count, mac = data["history"]
        return cls(serial=int(data["serial"]), history=Head(int(base_count), str(base_digest), int(count), str(mac)),
                   records={str(a): (int(s), str(m)) for a, s, m in data["records"]})

    def with_record(self, address: str, serial: int, mac: str) -> Chain:
        return replace(self, records={**self.records, address: (serial, mac)})

    def without(self, address: str) -> Chain:
        return replace(self, records={a: v for a, v in self.records.items() if a != address})


def chained_key_check(check_key: bytes, workspace: str) -> str:
    """The key check of a workspace that has a chain: unlike 0.1's, it says "this workspace is chained",
    so setting the chain back to NULL (to have it re-established over rolled-back rows) reads as tampering."""
    return hmac.new(check_key, canonical_json(["provisioner-key-check-v2-chained", workspace]).encode(),
                    sha256).hexdigest()


def chain_mac(keys: ChainKeys, workspace: str, lineage: str, chain_json: str) -> str:
    message = canonical_json({"purpose": "provisioner-workspace-chain-v1", "workspace": workspace,
                              "lineage": lineage, "chain": chain_json})
    return hmac.new(keys.workspace, message.encode("utf-8"), sha256).hexdigest()


def workspace_tampered(workspace: str, what: str) -> StateError:
    return StateError(
        f"workspace {workspace} failed its integrity check: {what}",
        hint="restore the state from a backup made by provisioner's own writes (see docs/state.md, Recovery)",
        code="state-tampered",
    )


# The last chain verified and parsed, by everything its verification depends on. Reading the workspace
# row again (every unseal, every write) and finding the very same text and MAC needs neither the MAC
# nor the JSON parse again (O(records) each): issue 16, test --from state read the chain once a record.
_last: tuple[tuple[bytes, str, str, str, str], Chain] | None = None
_last_lock = threading.Lock()


def remember(keys: ChainKeys, workspace: str, lineage: str, *, chain: Chain, chain_json: str, mac: str) -> None:
    """``chain`` was just written as ``chain_json`` with ``mac`` (computed here): the next ``load`` of it is free."""
    global _last  # noqa: PLW0603
    with _last_lock:
        _last = ((keys.workspace, workspace, lineage, chain_json, mac), chain)


def load(keys: ChainKeys, workspace: str, lineage: str, *, serial: int, chain_json: str, mac: str) -> Chain:
    """The verified chain of a workspace row; raises ``state-tampered`` naming what does not match."""
    global _last  # noqa: PLW0603 - a one-entry cache of a pure function of its key
    key = (keys.workspace, workspace, lineage, chain_json, mac)
    with _last_lock:
        cached = _last[1] if _last is not None and _last[0] == key else None
    if cached is not None:
        chain = cached
    else:
        if not hmac.compare_digest(chain_mac(keys, workspace, lineage, chain_json), mac):
            raise workspace_tampered(workspace, "its integrity chain was changed outside provisioner")
        try:
            chain = Chain.from_json(chain_json)
        except (ValueError, KeyError, TypeError):
            raise workspace_tampered(workspace, "its integrity chain cannot be read") from None
        with _last_lock:
            _last = (key, chain)
    if chain.serial != serial:
        older = "lowered" if serial < chain.serial else "raised"
        raise workspace_tampered(workspace, f"its serial was {older} to {serial}; the chain records {chain.serial}")
    return chain


def record_problem(chain: Chain, address: str, row: tuple[int, str] | None) -> str | None:
    """Why a stored record (``(serial, mac)`` or None when there is no row) is not what the chain commits to."""
    expected = chain.records.get(address)
    if row is None:
        return None if expected is None else f"missing: the chain records it at serial {expected[0]}"
    if expected is None:
        return "extra: the workspace's chain has no such record (copied or moved in from elsewhere?)"
    serial, mac = row
    if serial < expected[0]:
        return f"older: the row is from serial {serial}, the chain records serial {expected[0]} (rolled back)"
    if serial > expected[0]:
        return f"newer: the row claims serial {serial}, the chain records serial {expected[0]}"
    if not hmac.compare_digest(mac, expected[1]):
        return f"replaced: the row at serial {serial} is not the one the chain records"
    return None
