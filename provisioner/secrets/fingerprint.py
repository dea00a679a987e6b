"""Keyed fingerprints of secret values: HMAC-SHA256 under a key derived from the state key.

A fingerprint is bound to the record address and field path, so the same value in two places has
two unrelated fingerprints, and without the state key nobody can test a guess against one. Never a
bare hash: secrets such as short tokens would fall to a dictionary.
"""

from __future__ import annotations

import hmac
import json
from hashlib import sha256

PREFIX_CHARS = 12  # how much of a fingerprint the CLI shows


def fingerprint(key: bytes, *, address: str, path: str, value: str) -> str:
    message = json.dumps(["provisioner-fingerprint-v1", address, path, value], separators=(",", ":")).encode()
    return hmac.new(key, message, sha256).hexdigest()


def short(fingerprint_hex: str) -> str:
    return fingerprint_hex[:PREFIX_CHARS]
