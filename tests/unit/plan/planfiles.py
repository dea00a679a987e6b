"""Plan files for the tampering tests: a real one written by write_plan_file, and ways to alter it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from provisioner.canonical import canonical_json
from provisioner.plan.authentication import MAC_FIELD, plan_file_mac

Edit = Callable[[dict[str, Any]], None]


def load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def save(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def change_of(doc: dict[str, Any], address: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in doc["changes"] if c["address"] == address)
    return found


def resign(doc: dict[str, Any], key: bytes) -> None:
    """What a holder of the state key could do: a valid MAC over the edited document."""
    doc.pop(MAC_FIELD, None)
    doc[MAC_FIELD] = plan_file_mac(key, doc)


def plain_checksum(doc: dict[str, Any]) -> None:
    """What an attacker without the key would try: a SHA-256 of the canonical document in the MAC's place."""
    doc.pop(MAC_FIELD, None)
    doc[MAC_FIELD] = "hmac-sha256:" + hashlib.sha256(canonical_json(doc).encode()).hexdigest()


def tamper(path: Path, edit: Edit, *, key: bytes | None = None, checksum: bool = False) -> None:
    """Apply ``edit`` to the plan file; then re-sign it with ``key``, or recompute a plain checksum."""
    doc = load(path)
    edit(doc)
    if key is not None:
        resign(doc, key)
    elif checksum:
        plain_checksum(doc)
    save(path, doc)
