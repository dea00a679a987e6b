"""Hand-built declarations and state records for the plan tests."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from provisioner.canonical import sha256_hex
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import Connection, secret_paths
from provisioner.diagnostics import Diagnostics, SourceRange
from provisioner.plan.normalise import public_spec
from provisioner.state.records import Record, Snapshot

FP_KEY = b"k" * 32


def fingerprint(address: str, path: str, value: str) -> str:
    return hmac.new(FP_KEY, f"{address}\0{path}\0{value}".encode(), hashlib.sha256).hexdigest()


def connection_doc(name: str = "shop", **auth: Any) -> dict[str, Any]:
    base = {
        "type": "oauth1", "baseUri": "https://shop.example.com/rest", "signatureMethod": "HMAC-SHA256",
        "consumerKey": "ck" * 16, "consumerSecret": "cs-" + name, "accessToken": "at-" + name,
        "tokenSecret": "ts-" + name,
    }
    base.update(auth)
    return {"apiVersion": "provisioner/v1", "kind": "Connection", "metadata": {"name": name},
            "spec": {"application": "magento2", "mode": "cloud", "auth": base}}


def declaration(doc: dict[str, Any], *, file: str = "connections/shop.yaml", ciphertext_tag: str = "v1") -> Declaration:
    """A declaration whose secret fields hold plain values (as after decryption) but is marked encrypted.

    ``ciphertexts`` stand in for the committed ENC[...] text: one per secret, changed by ``ciphertext_tag``.
    """
    resource = Connection.model_validate(doc)
    cts = {p: f"ENC[AES256_GCM,data:{ciphertext_tag}-{p},type:str]" for p in secret_paths(resource)}
    return Declaration(resource=resource, file=Path(file), document_index=0,
                       source=SourceRange(file, 1, 1), ciphertexts=cts)


def record_for(decl: Declaration, serial: int = 1) -> Record:
    """What the state holds after ``decl`` was applied."""
    secrets = secret_paths(decl.resource)
    return Record(
        address=decl.address, kind=decl.kind, name=decl.name, spec=public_spec(decl.resource),
        fingerprints={p: fingerprint(decl.address, p, v.get_secret_value()) for p, v in secrets.items()},
        sops_digests={p: sha256_hex(t) for p, t in decl.ciphertexts.items()}, last_test={"outcome": "ok"},
        applied_at=datetime(2026, 1, 1, tzinfo=UTC), applied_by="tester", git_commit=None, serial=serial,
    )


def snapshot(*records: Record, serial: int = 1) -> Snapshot:
    return Snapshot(workspace="default", lineage="0123456789abcdef", serial=serial,
                    records={r.address: r for r in records})


class CountingDecryptor:
    """Stands in for sops in the differ's unit tests: the secret values are already in the declarations.

    It records which declarations the differ asked to decrypt; the real sops path is covered by
    the end-to-end plan tests.
    """

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, decls: Sequence[Declaration]) -> tuple[list[Declaration], Diagnostics]:
        self.calls.append([d.address for d in decls])
        return [dataclasses.replace(d, decrypted=True) for d in decls], Diagnostics()

    @property
    def decrypted(self) -> list[str]:
        return [a for call in self.calls for a in call]
