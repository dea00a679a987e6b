"""Secret value checks after decryption, table-driven."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import Agent, Connection
from provisioner.diagnostics import SourceRange
from provisioner.secrets.checks import check_secrets

FILE = "connections/shop.yaml"
TOKEN = "x" * 32


@cache
def _pem(kind: str) -> str:
    """PKCS#8 PEM of: "ec", "rsa-BITS", or "rsa-2048-pw" (passphrase-protected)."""
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    key = ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else rsa.generate_private_key(
        public_exponent=65537, key_size=int(kind.split("-")[1]))
    enc = serialization.BestAvailableEncryption(b"pw") if kind.endswith("-pw") else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc).decode()


def _hmac(**auth: str) -> Connection:
    base = {"type": "oauth1", "baseUri": "https://s.example.com/rest", "signatureMethod": "HMAC-SHA256",
            "consumerKey": TOKEN, "consumerSecret": TOKEN, "accessToken": TOKEN, "tokenSecret": TOKEN}
    base.update(auth)
    return Connection.model_validate({"apiVersion": "provisioner/v1", "kind": "Connection",
                                      "metadata": {"name": "shop"}, "spec": {"application": "magento2", "auth": base}})


def _rsa(pem: str) -> Connection:
    return Connection.model_validate({
        "apiVersion": "provisioner/v1", "kind": "Connection", "metadata": {"name": "shop"},
        "spec": {"application": "magento2", "auth": {
            "type": "oauth1", "baseUri": "https://s.example.com/rest", "signatureMethod": "RSA-SHA256",
            "consumerKey": TOKEN, "accessToken": TOKEN, "consumerPrivateKey": pem}}})


def _decl(resource, *, decrypted: bool = True) -> Declaration:
    positions = {"spec.auth.accessToken": SourceRange(FILE, 12, 5),
                 "spec.auth.consumerPrivateKey": SourceRange(FILE, 9, 5)}
    return Declaration(resource, Path(FILE), 0, SourceRange(FILE, 1, 1), positions=positions, decrypted=decrypted)


CASES = [
    ("all 32 characters", _hmac, []),
    ("empty secret", lambda: _hmac(accessToken=""), [("error", "secret.empty", "spec.auth.accessToken")]),
    ("blank secret", lambda: _hmac(tokenSecret="   "), [("error", "secret.empty", "spec.auth.tokenSecret")]),
    ("short token", lambda: _hmac(accessToken="abc"), [("warning", "secret.token-length", "spec.auth.accessToken")]),
    ("long consumer key", lambda: _hmac(consumerKey="k" * 40),
     [("warning", "secret.token-length", "spec.auth.consumerKey")]),
    ("trailing newline", lambda: _hmac(consumerSecret=TOKEN[:31] + "\n"),
     [("warning", "secret.whitespace", "spec.auth.consumerSecret")]),
    ("rsa 2048", lambda: _rsa(_pem("rsa-2048")), []),
    ("rsa 1024 is weak", lambda: _rsa(_pem("rsa-1024")),
     [("warning", "secret.rsa-key-weak", "spec.auth.consumerPrivateKey")]),
    ("not PEM", lambda: _rsa("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"),
     [("error", "secret.rsa-key-invalid", "spec.auth.consumerPrivateKey")]),
    ("EC key", lambda: _rsa(_pem("ec")), [("error", "secret.rsa-key-invalid", "spec.auth.consumerPrivateKey")]),
    ("passphrase", lambda: _rsa(_pem("rsa-2048-pw")),
     [("error", "secret.rsa-key-invalid", "spec.auth.consumerPrivateKey")]),
    ("agent token: only emptiness", lambda: Agent.model_validate({
        "apiVersion": "provisioner/v1", "kind": "Agent", "metadata": {"name": "dc1"},
        "spec": {"accessToken": "short"}}), []),
]


@pytest.mark.parametrize(("label", "make", "expected"), CASES, ids=[c[0] for c in CASES])
def test_secret_checks(label, make, expected):
    diagnostics = check_secrets([_decl(make())])
    got = [(d.severity.value, d.code, d.message.split(" ")[0]) for d in diagnostics]
    assert got == expected
    for d in diagnostics:
        assert d.source is not None and d.source.file == FILE
        assert TOKEN not in d.message and "BEGIN" not in d.message


def test_positions_come_from_the_declaration():
    (d,) = check_secrets([_decl(_hmac(accessToken=""))]).items
    assert d.source == SourceRange(FILE, 12, 5)


def test_encrypted_declarations_are_not_checked():
    assert not check_secrets([_decl(_hmac(accessToken=""), decrypted=False)]).items
