"""Files vs state, without a SOPS key: plain fields compared, secrets by the digests of their ciphertexts.

A declaration's secrets are still ``ENC[...]`` here. The state recorded the SHA-256 of each secret's
ciphertext at the last apply, so a rotated or re-encrypted secret shows as a different digest (or a
secret field added or removed) without decrypting anything: that is "secrets changed or re-encrypted".
Plain fields are compared on the public spec, as the plan compares them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from provisioner.declarations.declaration import Declaration
from provisioner.plan.differ import IDENTITY_FIELDS, needs_decryption
from provisioner.plan.normalise import flatten, public_spec
from provisioner.state.records import Record


@dataclass(frozen=True)
class FileDiff:
    """How one address's declaration differs from its record (both present)."""

    fields: tuple[str, ...]
    secrets_changed: bool

    @property
    def differs(self) -> bool:
        return bool(self.fields) or self.secrets_changed


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    """The dotted paths whose values differ (the address's identity fields excepted)."""
    flat_before, flat_after = flatten(before), flatten(after)
    paths = (set(flat_before) | set(flat_after)) - IDENTITY_FIELDS
    return tuple(sorted(p for p in paths if flat_before.get(p) != flat_after.get(p)))


def file_diff(decl: Declaration, record: Record) -> FileDiff:
    """Never decrypts: ``decl`` may hold its secrets as ciphertext only."""
    return FileDiff(changed_fields(record.spec, public_spec(decl.resource)), needs_decryption(decl, record))


def by_address(declarations: Sequence[Declaration]) -> dict[str, Declaration]:
    return {d.address: d for d in declarations}
