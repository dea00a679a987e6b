"""The differ: declarations vs a state snapshot -> a Plan, decrypting only what changed.

A declaration whose SOPS ciphertexts are exactly those the state recorded at the last apply
(same digests, same secret fields) is not decrypted: its secrets cannot have changed, so the
state's fingerprints stand for them. Everything else (new connections, edited or rotated
secrets) goes to the decryptor in one batch, which decrypts each file once, in parallel.
A file re-encrypted with the same values is an update ("secrets re-encrypted, values
unchanged"): applying it records the new ciphertext digests, so later plans skip it again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from provisioner.canonical import sha256_hex
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import secret_paths
from provisioner.diagnostics import Diagnostics
from provisioner.paths import shown_path
from provisioner.plan.model import Action, Change, FieldChange, Plan
from provisioner.plan.normalise import desired_digest, flatten, public_spec
from provisioner.state.records import Record, Snapshot

Decryptor = Callable[[Sequence[Declaration]], tuple[list[Declaration], Diagnostics]]
Fingerprinter = Callable[[str, str, str], str]  # (address, path, value) -> keyed fingerprint

DELETE_BLOCKED = "not applied: this plan was made without --allow-delete"
REENCRYPTED = "secrets re-encrypted, values unchanged"


@dataclass
class DiffResult:
    plan: Plan
    diagnostics: Diagnostics
    # Every declaration by address (targeted or not); decrypted where the plan had to decrypt them.
    declarations: dict[str, Declaration] = field(default_factory=dict)
    decrypted_files: tuple[str, ...] = ()


def ciphertext_digests(decl: Declaration) -> dict[str, str]:
    return {path: sha256_hex(text) for path, text in decl.ciphertexts.items()}


def needs_decryption(decl: Declaration, record: Record | None) -> bool:
    return record is None or dict(record.sops_digests) != ciphertext_digests(decl)


def _selected(address: str, name: str, targets: Sequence[str]) -> bool:
    return not targets or address in targets or name in targets


IDENTITY_FIELDS = frozenset({"apiVersion", "kind", "metadata.name"})  # fixed by the address itself


def _field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    flat_before, flat_after = flatten(before), flatten(after)
    for path in IDENTITY_FIELDS:
        flat_before.pop(path, None)
        flat_after.pop(path, None)
    return tuple(
        FieldChange(path, flat_before.get(path), flat_after.get(path))
        for path in sorted(set(flat_before) | set(flat_after))
        if flat_before.get(path) != flat_after.get(path)
    )


def _reason(fields: Sequence[FieldChange], secrets: Sequence[str]) -> str:
    parts = []
    if fields:
        parts.append(f"{len(fields)} field{'s' if len(fields) != 1 else ''} changed")
    if secrets:
        parts.append(f"{len(secrets)} secret{'s' if len(secrets) != 1 else ''} changed")
    return ", ".join(parts)


def _change_for(decl: Declaration, record: Record | None, fingerprints: Mapping[str, str],
                root: Path | None) -> Change:
    after = public_spec(decl.resource)
    before: Mapping[str, Any] = record.spec if record else {}
    old_fps: Mapping[str, str] = record.fingerprints if record else {}
    fields = _field_changes(before, after)
    secrets = tuple(sorted(p for p in set(old_fps) | set(fingerprints) if old_fps.get(p) != fingerprints.get(p)))
    if record is None:
        action, reason = Action.CREATE, "not in state"
    elif fields or secrets:
        action, reason = Action.UPDATE, _reason(fields, secrets)
    elif needs_decryption(decl, record):
        # Same values, new ciphertexts (sops rotate, or a re-encrypted file). Applying it records the
        # new ciphertext digests; left a no-op, every later plan would decrypt this file again.
        action, reason = Action.UPDATE, REENCRYPTED
    else:
        action, reason = Action.NOOP, "up to date"
    return Change(
        address=decl.address, kind=decl.kind, name=decl.name, action=action, reason=reason,
        before=record.spec if record else None, after=after, fields=fields, sensitive_changed=secrets,
        desired_digest=desired_digest(after, fingerprints), file=shown_path(decl.file, root),
    )


def diff(
    declarations: Sequence[Declaration],
    snapshot: Snapshot,
    *,
    fingerprint: Fingerprinter,
    decrypt: Decryptor,
    targets: Sequence[str] = (),
    allow_delete: bool = False,
    root: Path | None = None,
) -> DiffResult:
    """Compare declarations with the state and build the plan (secret values never enter it)."""
    chosen = [d for d in declarations if _selected(d.address, d.name, targets)]
    to_decrypt = [d for d in chosen if needs_decryption(d, snapshot.records.get(d.address))]
    diagnostics = Diagnostics()
    # Every declaration, not only the targeted ones: apply tests a targeted connection through its
    # agent, which may be declared (and unchanged) but outside --target.
    resolved: dict[str, Declaration] = {d.address: d for d in declarations}
    if to_decrypt:
        decrypted, decrypt_diags = decrypt(to_decrypt)
        diagnostics.extend(decrypt_diags)
        resolved.update({d.address: d for d in decrypted})
    if diagnostics.has_errors:
        return DiffResult(_empty_plan(snapshot, allow_delete, targets), diagnostics, resolved)

    changes: list[Change] = []
    for decl in chosen:
        current = resolved[decl.address]
        record = snapshot.records.get(decl.address)
        if current.decrypted:
            fps = {p: fingerprint(decl.address, p, v.get_secret_value())
                   for p, v in secret_paths(current.resource).items()}
        else:
            fps = dict(record.fingerprints) if record else {}
        changes.append(_change_for(current, record, fps, root))

    declared = {d.address for d in declarations}
    for address, record in sorted(snapshot.records.items()):
        if address in declared or not _selected(address, record.name, targets):
            continue
        changes.append(Change(
            address=address, kind=record.kind, name=record.name, action=Action.DELETE,
            reason="no longer declared", before=record.spec, fields=_field_changes(record.spec, {}),
            sensitive_changed=tuple(sorted(record.fingerprints)),
            blocked=None if allow_delete else DELETE_BLOCKED,
        ))
    plan = Plan(
        workspace=snapshot.workspace, lineage=snapshot.lineage, serial=snapshot.serial,
        changes=tuple(sorted(changes, key=lambda c: c.address)), allow_delete=allow_delete,
        targets=tuple(targets), created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    files = tuple(sorted({shown_path(d.file, root) for d in to_decrypt}))
    return DiffResult(plan, diagnostics, resolved, files)


def _empty_plan(snapshot: Snapshot, allow_delete: bool, targets: Sequence[str]) -> Plan:
    return Plan(workspace=snapshot.workspace, lineage=snapshot.lineage, serial=snapshot.serial,
                changes=(), allow_delete=allow_delete, targets=tuple(targets))
