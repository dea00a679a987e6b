"""The integrity MAC of a record, per record format version.

- **Version 1** (release 0.1): HMAC-SHA256 over the canonical JSON of the ``records`` columns of
  0.1 (``V1_COLUMNS``, JSON columns as their stored text), the workspace and its lineage. Kept
  only to verify records 0.1 wrote; nothing is written in it any more.
- **Version 2**: HMAC-SHA256 over a canonical, versioned encoding of the record's *logical*
  content (``logical_record``: parsed values, not column text), the workspace and its lineage.
  It does not depend on the table's columns, so a migration can add a column (without the
  state key) and every stored record still verifies.

The format version is itself bound: the v1 and v2 messages differ in shape, so relabelling a
record's ``format_version`` makes its MAC fail.
"""

from __future__ import annotations

import hmac
import json
from hashlib import sha256
from typing import TYPE_CHECKING, Any

from provisioner.canonical import canonical_json
from provisioner.errors import StateError
from provisioner.secrets.keys import StateKeys

if TYPE_CHECKING:
    from provisioner.state.codec import StoredRecord

FORMAT_VERSION = 2  # what new writes use
V1_COLUMNS = ("address", "kind", "name", "spec", "sealed", "fingerprints", "sops_digests", "last_test",
              "applied_at", "applied_by", "git_commit", "serial")
EMPTY_OUTPUTS = "{}"  # what the migration gives version-1 rows in the target_outputs column


def logical_record(r: StoredRecord) -> dict[str, Any]:
    """What a record says, independent of how the table stores it."""
    return {
        "address": r.address, "kind": r.kind, "name": r.name, "spec": json.loads(r.spec),
        "sealed": json.loads(r.sealed), "fingerprints": json.loads(r.fingerprints),
        "sops_digests": json.loads(r.sops_digests),
        "last_test": json.loads(r.last_test) if r.last_test is not None else None,
        "applied_at": r.applied_at, "applied_by": r.applied_by, "git_commit": r.git_commit, "serial": r.serial,
        "target_outputs": json.loads(r.target_outputs),
    }


def _v1_message(workspace: str, lineage: str, r: StoredRecord) -> dict[str, Any]:
    return {"v": 1, "workspace": workspace, "lineage": lineage, "record": {c: getattr(r, c) for c in V1_COLUMNS}}


def _v2_message(workspace: str, lineage: str, r: StoredRecord) -> dict[str, Any]:
    return {"format_version": 2, "workspace": workspace, "lineage": lineage, "record": logical_record(r)}


def record_mac(keys: StateKeys, workspace: str, lineage: str, r: StoredRecord) -> str:
    """The MAC ``r`` must carry under the rule of its ``format_version``."""
    if r.format_version == 1:
        message = _v1_message(workspace, lineage, r)
    elif r.format_version == FORMAT_VERSION:
        message = _v2_message(workspace, lineage, r)
    else:
        raise StateError(
            f"record {r.address} in workspace {workspace} has format version {r.format_version}, "
            f"which this provisioner does not know (it writes {FORMAT_VERSION})",
            hint="upgrade provisioner: a newer version wrote this record", code="state-record-format",
        )
    return hmac.new(keys.mac, canonical_json(message).encode("utf-8"), sha256).hexdigest()


def mac_matches(keys: StateKeys, workspace: str, lineage: str, r: StoredRecord) -> bool:
    if r.format_version == 1 and r.target_outputs != EMPTY_OUTPUTS:
        return False  # a v1 MAC does not cover target outputs: a v1 record has none
    return hmac.compare_digest(record_mac(keys, workspace, lineage, r), r.mac)
