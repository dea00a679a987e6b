"""What drift finds: one ``DriftItem`` per connection or agent, each with exactly one ``DriftStatus``.

Statuses are ordered most severe first; an address that matches several (a tampered record that
is also no longer declared) gets the most severe one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SECRETS_CHANGED = "secrets changed or re-encrypted"


class DriftStatus(StrEnum):
    TAMPERED = "tampered"  # the record fails its integrity check
    FAILING = "failing"  # a live test with the credentials sealed in the state fails
    UNAPPLIED = "unapplied"  # the files differ from the state
    ORPHANED = "orphaned"  # in the state, no longer declared
    UNDECLARED_REMOTE = "undeclared-remote"  # on the remote side, in neither files nor state (read-back targets)
    MODIFIED_REMOTELY = "modified-remotely"  # the remote side differs from the state (read-back targets)
    MISSING_REMOTELY = "missing-remotely"  # in the state, gone on the remote side (read-back targets)
    IN_SYNC = "in-sync"

    @property
    def severity(self) -> int:
        """0 is the most severe."""
        return list(DriftStatus).index(self)

    @property
    def drifted(self) -> bool:
        return self is not DriftStatus.IN_SYNC


@dataclass(frozen=True)
class LiveTest:
    """The live test of one connection from the state: class, Magento's message and a hint (no secret)."""

    outcome: str  # a probe Outcome value, with the unreachable reason: "unreachable (dns)"
    ok: bool
    status_code: int | None = None
    message: str | None = None
    hint: str | None = None
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "ok": self.ok, "status_code": self.status_code, "message": self.message,
                "hint": self.hint, "elapsed_ms": round(self.elapsed_ms, 1)}


@dataclass(frozen=True)
class DriftItem:
    address: str
    kind: str  # "Connection" or "Agent"
    name: str
    status: DriftStatus
    fields: tuple[str, ...] = ()  # unapplied / modified-remotely: the changed field paths
    secrets_changed: bool = False  # unapplied: ciphertexts differ from what the state recorded
    test: LiveTest | None = None  # the live test, when one ran
    detail: str | None = None  # a short explanation (the integrity error, why a test was skipped)
    file: str | None = None  # the declaring file, relative to the project

    @property
    def reason(self) -> str:
        """One line saying why the item has its status."""
        if self.status is DriftStatus.FAILING and self.test is not None:
            return self.test.outcome + (f": {self.test.message}" if self.test.message else "")
        parts = list(self.fields)
        if self.secrets_changed:
            parts.append(SECRETS_CHANGED)
        if parts:
            return ", ".join(parts)
        return self.detail or ""

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "kind": self.kind, "name": self.name, "status": self.status.value,
                "fields": list(self.fields), "secrets_changed": self.secrets_changed,
                "test": self.test.to_dict() if self.test else None, "detail": self.detail, "file": self.file}


@dataclass(frozen=True)
class DriftReport:
    workspace: str
    lineage: str
    serial: int
    tested: bool  # False with --no-test
    target: str  # the target's name ("local")
    items: tuple[DriftItem, ...] = ()
    run_id: str | None = None  # the recorded run
    elapsed_ms: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. "the local target has no remote side"
    unread: tuple[str, ...] = ()  # addresses the remote side could not be read for ("*": its whole listing)

    @property
    def drifted(self) -> bool:
        return any(item.status.drifted for item in self.items)

    @property
    def complete(self) -> bool:
        """False when part of the remote side could not be read: "no drift" would then be a guess."""
        return not self.unread

    def counts(self) -> dict[str, int]:
        """Every status, in order of severity, with how many items have it (zeros included)."""
        return {s.value: sum(1 for i in self.items if i.status is s) for s in DriftStatus}

    def summary_text(self) -> str:
        shown = [f"{n} {status}" for status, n in self.counts().items() if n]
        what = ", ".join(shown) if shown else "nothing to check"
        return f"Drift: {what} ({len(self.items)} checked{'' if self.tested else ', live tests skipped'})"

    def to_dict(self) -> dict[str, Any]:
        return {"workspace": self.workspace, "lineage": self.lineage, "serial": self.serial, "target": self.target,
                "tested": self.tested, "drifted": self.drifted, "run_id": self.run_id,
                "summary": {k.replace("-", "_"): v for k, v in self.counts().items()},
                "elapsed_ms": round(self.elapsed_ms, 1), "notes": list(self.notes), "unread": list(self.unread),
                "items": [i.to_dict() for i in self.items]}


def ordered(items: list[DriftItem]) -> tuple[DriftItem, ...]:
    """Most severe first, then by address."""
    return tuple(sorted(items, key=lambda i: (i.status.severity, i.address)))
