"""Putting the comparisons together: exactly one status per address, the most severe that applies.

``build_items`` is pure: it takes what the other modules found (files vs state, live tests, the
remote side, integrity) and decides each address's status. Nothing here decrypts or prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from provisioner.declarations.declaration import Declaration
from provisioner.drift.files import file_diff
from provisioner.drift.live import LiveResults
from provisioner.drift.model import DriftItem, DriftStatus, ordered
from provisioner.drift.records import StateView
from provisioner.drift.remote import RemoteResults
from provisioner.errors import ProvisionerError


@dataclass(frozen=True)
class Findings:
    declarations: Mapping[str, Declaration]  # every declaration, by address (secrets still encrypted)
    state: StateView
    live: LiveResults = field(default_factory=LiveResults)
    remote: RemoteResults = field(default_factory=RemoteResults)
    root: Path | None = None


def select(addresses: Sequence[str], names: Sequence[str]) -> list[str]:
    """The addresses ``names`` pick (by name or address; all when empty); an unknown name is an error."""
    if not names:
        return sorted(addresses)
    by_name: dict[str, set[str]] = {}
    for address in addresses:
        by_name.setdefault(address, set()).add(address)
        by_name.setdefault(address.split(".", 1)[-1], set()).add(address)
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ProvisionerError(f"drift: nothing declared or stored is named {', '.join(unknown)}",
                               code="unknown-target", hint="use a connection name or an address (connection.NAME)")
    return sorted(set().union(*(by_name[n] for n in names)))


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def _kind_and_name(address: str, found: Findings) -> tuple[str, str]:
    if address in found.declarations:
        decl = found.declarations[address]
        return decl.kind, decl.name
    if address in found.state.records:
        record = found.state.records[address]
        return record.kind, record.name
    prefix, _, name = address.partition(".")
    return prefix.capitalize(), name


def item_for(address: str, found: Findings) -> DriftItem:
    kind, name = _kind_and_name(address, found)
    decl = found.declarations.get(address)
    record = found.state.records.get(address)
    test = found.live.tests.get(address)
    base = DriftItem(address=address, kind=kind, name=name, status=DriftStatus.IN_SYNC, test=test,
                     file=_relative(decl.file, found.root) if decl else None, detail=found.live.skipped.get(address))
    if address in found.state.tampered:
        return replace(base, status=DriftStatus.TAMPERED, detail=found.state.tampered[address])
    if test is not None and not test.ok:
        return replace(base, status=DriftStatus.FAILING)
    if decl is not None and record is None:
        return replace(base, status=DriftStatus.UNAPPLIED, detail="declared, not applied yet")
    if decl is not None and record is not None:
        diff = file_diff(decl, record)
        if diff.differs:
            return replace(base, status=DriftStatus.UNAPPLIED, fields=diff.fields,
                           secrets_changed=diff.secrets_changed)
    if decl is None:
        return replace(base, status=DriftStatus.ORPHANED, detail="in the state, no longer declared")
    remote = found.remote.findings.get(address)
    if remote is not None:
        return replace(base, status=remote.status, fields=remote.fields, detail=remote.detail)
    return base


def build_items(chosen: Sequence[str], found: Findings) -> tuple[DriftItem, ...]:
    items = [item_for(address, found) for address in chosen]
    for view in found.remote.undeclared:
        items.append(DriftItem(address=view.external_id or f"remote.{view.remote_id}", kind="Connection",
                               name=view.remote_id, status=DriftStatus.UNDECLARED_REMOTE,
                               detail="on the remote side, in neither the files nor the state"))
    return ordered(items)
