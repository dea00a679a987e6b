"""Sealing, fingerprints and key derivation: table-driven checks of the primitives."""

from __future__ import annotations

import os

import pytest

from provisioner.secrets.fingerprint import fingerprint
from provisioner.secrets.keys import StateKeys
from provisioner.secrets.sealing import SealError, seal, unseal

KEY = os.urandom(32)
HERE = {"workspace": "default", "address": "connection.a", "path": "spec.auth.accessToken"}


def test_seal_round_trips_and_never_repeats() -> None:
    first, second = seal(KEY, "s3cret", **HERE), seal(KEY, "s3cret", **HERE)
    assert first != second  # a fresh nonce each time
    assert "s3cret" not in first
    assert unseal(KEY, first, **HERE) == unseal(KEY, second, **HERE) == "s3cret"


@pytest.mark.parametrize("moved", [
    {"workspace": "prod"}, {"address": "connection.b"}, {"path": "spec.auth.tokenSecret"},
])
def test_a_ciphertext_moved_elsewhere_does_not_open(moved: dict[str, str]) -> None:
    sealed = seal(KEY, "s3cret", **HERE)
    with pytest.raises(SealError) as caught:
        unseal(KEY, sealed, **{**HERE, **moved})
    assert "s3cret" not in str(caught.value)


def test_a_wrong_key_or_altered_ciphertext_does_not_open() -> None:
    sealed = seal(KEY, "s3cret", **HERE)
    with pytest.raises(SealError):
        unseal(os.urandom(32), sealed, **HERE)
    with pytest.raises(SealError):
        unseal(KEY, sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"), **HERE)
    with pytest.raises(SealError):
        unseal(KEY, "v9." + sealed[3:], **HERE)


def test_derived_keys_are_distinct_and_hidden() -> None:
    keys = StateKeys.derive(KEY)
    assert len({keys.seal, keys.fingerprint, keys.mac, keys.check, KEY}) == 5
    assert keys.key_check("a") != keys.key_check("b")
    assert KEY.hex() not in repr(keys) and keys.seal.hex() not in repr(keys)


def test_fingerprints_depend_on_key_address_path_and_value() -> None:
    base = {"address": "connection.a", "path": "p", "value": "v"}
    reference = fingerprint(KEY, **base)
    assert reference == fingerprint(KEY, **base)
    for change in ({"address": "connection.b"}, {"path": "q"}, {"value": "w"}):
        assert fingerprint(KEY, **{**base, **change}) != reference
    assert fingerprint(os.urandom(32), **base) != reference
