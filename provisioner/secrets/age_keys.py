"""age X25519 identities and recipients, made with ``cryptography`` (already a dependency).

An age identity is a 32-byte X25519 scalar, Bech32-encoded with the prefix
``AGE-SECRET-KEY-`` and upper-cased; its recipient is the public key Bech32-encoded with the
prefix ``age`` (https://age-encryption.org/v1). Bech32 is BIP 173 without its 90-character
limit, as age does. Generating keys here avoids a Rust extension (pyrage) as a runtime
dependency for one function; the tests prove interoperability with pyrage and sops.

Key files use age-keygen's layout, so ``age``, ``sops`` and ``SOPS_AGE_KEY_FILE`` read them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
IDENTITY_HRP = "age-secret-key-"
RECIPIENT_HRP = "age"


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_GENERATOR):
            chk ^= gen if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, *, pad: bool) -> list[int]:
    acc, bits, out, maxv = 0, 0, [], (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad and bits:
        out.append((acc << (to_bits - bits)) & maxv)
    elif not pad and (bits >= from_bits or (acc << (to_bits - bits)) & maxv):
        raise ValueError("invalid padding")
    return out


def bech32_encode(hrp: str, payload: bytes) -> str:
    data = _convert_bits(payload, 8, 5, pad=True)
    polymod = _polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[d] for d in data + checksum)


def bech32_decode(text: str) -> tuple[str, bytes]:
    """(hrp, payload) of a Bech32 string; raises ValueError when it is not one."""
    if text.lower() != text and text.upper() != text:
        raise ValueError("mixed case")
    text = text.lower()
    hrp, sep, rest = text.rpartition("1")
    if not sep or not hrp or len(rest) < 6 or any(c not in _CHARSET for c in rest):
        raise ValueError("not bech32")
    data = [_CHARSET.index(c) for c in rest]
    if _polymod([*_hrp_expand(hrp), *data]) != 1:
        raise ValueError("bad checksum")
    return hrp, bytes(_convert_bits(data[:-6], 5, 8, pad=False))


def is_recipient(text: str) -> bool:
    """Whether ``text`` is an age X25519 recipient (``age1...``)."""
    try:
        hrp, payload = bech32_decode(text)
    except ValueError:
        return False
    return text == text.lower() and hrp == RECIPIENT_HRP and len(payload) == 32


@dataclass(frozen=True)
class AgeIdentity:
    """An age X25519 identity. ``secret`` is the AGE-SECRET-KEY-1... text; it is never in repr."""

    secret: str = field(repr=False)
    recipient: str

    @classmethod
    def generate(cls) -> AgeIdentity:
        return cls.from_private_key(X25519PrivateKey.generate())

    @classmethod
    def from_private_key(cls, key: X25519PrivateKey) -> AgeIdentity:
        secret = bech32_encode(IDENTITY_HRP, key.private_bytes_raw()).upper()
        recipient = bech32_encode(RECIPIENT_HRP, key.public_key().public_bytes_raw())
        return cls(secret, recipient)

    @classmethod
    def parse(cls, secret: str) -> AgeIdentity:
        hrp, payload = bech32_decode(secret.strip())
        if hrp != IDENTITY_HRP or len(payload) != 32:
            raise ValueError("not an age X25519 identity")
        return cls.from_private_key(X25519PrivateKey.from_private_bytes(payload))

    def key_file_text(self, now: datetime | None = None) -> str:
        created = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"# created: {created}\n# public key: {self.recipient}\n{self.secret}\n"


def read_identity(path: Path) -> AgeIdentity:
    """The first identity in an age key file; raises ValueError (without the key) when there is none."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip().upper().startswith("AGE-SECRET-KEY-1"):
            return AgeIdentity.parse(line)
    raise ValueError(f"{path} holds no age X25519 identity")


def write_identity(path: Path, identity: AgeIdentity) -> None:
    """Create ``path`` with mode 0600 (its new parents 0700); never replaces an existing file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(identity.key_file_text())
