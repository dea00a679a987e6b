"""The state key: its text form (base64 of 32 bytes) and the sub-keys derived from it with HKDF.

Where the key comes from (environment, key file) is ``provisioner.state.state_key``. The key is
never used directly: HKDF-SHA256
derives one independent key per purpose (sealing, fingerprints, record MACs, the key check, plan-file
MACs), so a value computed for one purpose is useless for another.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from provisioner.errors import ConfigError

KEY_BYTES = 32
KEYGEN_HINT = "make one with: head -c 32 /dev/urandom | base64 > state.key  (keep it out of the repository)"


def decode_state_key(text: str, *, source: str) -> bytes:
    """Decode base64 text into a 32-byte key; ``source`` names where it came from (never the value)."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"{source}: the state key is not valid base64", hint=KEYGEN_HINT) from None
    if len(key) != KEY_BYTES:
        raise ConfigError(
            f"{source}: the state key must be {KEY_BYTES} bytes (base64), got {len(key)}", hint=KEYGEN_HINT
        )
    return key


def read_key_file(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise ConfigError(f"state key file {path} does not exist", hint=KEYGEN_HINT) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the state key file {path}: {type(exc).__name__}") from None
    return decode_state_key(text, source=f"key file {path}")


def write_new_key_file(path: Path) -> None:
    """Create ``path`` holding a fresh random key (base64), mode 0600, parents 0700; never replaces a file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii") + "\n")


def _derive(key: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=f"provisioner/state/v1/{purpose}".encode()).derive(key)


@dataclass(frozen=True)
class StateKeys:
    """The purpose-bound keys derived from one state key. ``repr`` shows nothing secret."""

    seal: bytes = field(repr=False)
    fingerprint: bytes = field(repr=False)
    mac: bytes = field(repr=False)
    check: bytes = field(repr=False)
    plan: bytes = field(repr=False)  # authenticates plan files (provisioner.plan.authentication)

    @classmethod
    def derive(cls, key: bytes) -> StateKeys:
        if len(key) != KEY_BYTES:
            raise ConfigError(f"the state key must be {KEY_BYTES} bytes, got {len(key)}", hint=KEYGEN_HINT)
        return cls(seal=_derive(key, "seal"), fingerprint=_derive(key, "fingerprint"),
                   mac=_derive(key, "record-mac"), check=_derive(key, "key-check"),
                   plan=_derive(key, "plan-file"))

    def key_check(self, workspace: str) -> str:
        """A value stored per workspace that tells "wrong key" apart from tampering without revealing the key."""
        return hmac.new(self.check, b"provisioner state key check\x00" + workspace.encode(), sha256).hexdigest()
