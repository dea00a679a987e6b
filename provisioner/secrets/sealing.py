"""Sealing of secret values for the state: AES-256-GCM, a fresh random nonce per value.

The associated data binds each ciphertext to its workspace, record address and field path, so
a ciphertext copied to another record or field fails to open. A sealed value is text:
``v1.<base64url(nonce || ciphertext+tag)>``.
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1"
_NONCE_BYTES = 12


class SealError(Exception):
    """A sealed value did not open: wrong key, or moved/altered ciphertext. Carries no secret."""


def associated_data(workspace: str, address: str, path: str) -> bytes:
    return json.dumps(["provisioner-seal-v1", workspace, address, path], separators=(",", ":")).encode()


def seal(key: bytes, value: str, *, workspace: str, address: str, path: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    body = AESGCM(key).encrypt(nonce, value.encode("utf-8"), associated_data(workspace, address, path))
    return f"{_VERSION}.{base64.urlsafe_b64encode(nonce + body).decode('ascii')}"


def unseal(key: bytes, sealed: str, *, workspace: str, address: str, path: str) -> str:
    version, _, encoded = sealed.partition(".")
    if version != _VERSION:
        raise SealError(f"unknown sealing version at {address} {path}")
    try:
        raw = base64.urlsafe_b64decode(encoded.encode("ascii"))
        plain = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:],
                                    associated_data(workspace, address, path))
    except (InvalidTag, ValueError):
        raise SealError(f"sealed value at {address} {path} does not open under this key and place") from None
    return plain.decode("utf-8")
