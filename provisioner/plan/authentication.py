"""The plan file's MAC: HMAC-SHA256 over the canonical JSON of everything else in the file.

The key is the state key's ``plan`` sub-key (secrets/keys.py, HKDF), narrowed to the plan's
workspace and lineage, so a MAC made for one workspace (or one life of it) proves nothing for
another. A plan made before its workspace exists has lineage ``""`` and is bound to that.
Without the state key nobody can make a MAC that verifies: a recomputed checksum does not.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from hashlib import sha256
from typing import Any

from provisioner.canonical import canonical_json
from provisioner.secrets.keys import StateKeys

MAC_FIELD = "mac"
MAC_PREFIX = "hmac-sha256:"
MAC_PATTERN = re.compile(r"hmac-sha256:[0-9a-f]{64}")
_DOMAIN = b"provisioner plan file v1\x00"


def _key(state_key: bytes, workspace: str, lineage: str) -> bytes:
    binding = canonical_json({"workspace": workspace, "lineage": lineage}).encode("utf-8")
    return hmac.new(StateKeys.derive(state_key).plan, _DOMAIN + binding, sha256).digest()


def plan_file_mac(state_key: bytes, document: Mapping[str, Any]) -> str:
    """``hmac-sha256:HEX`` over ``document`` (which must not hold the MAC field)."""
    if MAC_FIELD in document:
        raise ValueError("the document already holds a MAC")
    key = _key(state_key, str(document.get("workspace", "")), str(document.get("lineage", "")))
    body = canonical_json(dict(document)).encode("utf-8")
    return MAC_PREFIX + hmac.new(key, _DOMAIN + body, sha256).hexdigest()


def mac_matches(state_key: bytes, document: Mapping[str, Any], mac: str) -> bool:
    """Whether ``mac`` (already known to match MAC_PATTERN) is this document's MAC, in constant time."""
    return hmac.compare_digest(plan_file_mac(state_key, document), mac)
