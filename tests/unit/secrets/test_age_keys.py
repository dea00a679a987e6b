"""age identities made with cryptography + bech32 interoperate with pyrage (the reference)."""

from __future__ import annotations

import stat

import pytest
from pyrage import decrypt, encrypt, x25519

from provisioner.secrets.age_keys import AgeIdentity, bech32_decode, is_recipient, read_identity, write_identity


def test_generated_identity_is_understood_by_pyrage():
    ours = AgeIdentity.generate()
    theirs = x25519.Identity.from_str(ours.secret)
    assert str(theirs.to_public()) == ours.recipient
    box = encrypt(b"hello", [x25519.Recipient.from_str(ours.recipient)])
    assert decrypt(box, [theirs]) == b"hello"


def test_pyrage_identity_parses_to_the_same_recipient():
    theirs = x25519.Identity.generate()
    assert AgeIdentity.parse(str(theirs)).recipient == str(theirs.to_public())


def test_secret_is_never_in_repr():
    ident = AgeIdentity.generate()
    assert ident.secret not in repr(ident)


@pytest.mark.parametrize(("text", "ok"), [
    ("age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", False),
    ("age1", False), ("not a key", False), ("AGE1" + "Q" * 58, False),
])
def test_is_recipient_rejects_garbage(text, ok):
    assert is_recipient(text) is ok


def test_is_recipient_accepts_a_real_one():
    assert is_recipient(str(x25519.Identity.generate().to_public()))


def test_bech32_rejects_a_bad_checksum():
    good = AgeIdentity.generate().recipient
    bad = good[:-1] + ("q" if good[-1] != "q" else "p")
    with pytest.raises(ValueError, match="checksum"):
        bech32_decode(bad)


def test_key_file_is_0600_in_age_keygen_format_and_never_replaced(tmp_path):
    path = tmp_path / "new" / "dir" / "k.agekey"
    ident = AgeIdentity.generate()
    write_identity(path, ident)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert f"# public key: {ident.recipient}\n" in path.read_text()
    assert read_identity(path) == ident
    with pytest.raises(FileExistsError):
        write_identity(path, AgeIdentity.generate())
    assert read_identity(path) == ident
