"""What an apply run reports, item by item; rendered by ``provisioner.render.apply``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ItemStatus(StrEnum):
    APPLIED = "applied"  # tested (or --skip-test) and committed
    DELETED = "deleted"
    FAILED = "failed"  # a test failed or the target refused: nothing committed
    ERROR = "error"  # the commit itself failed (state error): nothing committed
    SKIPPED = "skipped"  # not attempted: interrupted, or a dependency failed


@dataclass(frozen=True)
class Verdict:
    """The outcome of testing one connection, as apply records it (no secret inside)."""

    ok: bool
    outcome: str  # "ok", "unauthorized", ... (probe classes), or "untested"
    message: str | None = None
    hint: str | None = None
    status: int | None = None
    elapsed_ms: float | None = None

    def to_record(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "status": self.status, "elapsed_ms": self.elapsed_ms,
                "message": self.message, "hint": self.hint}


@dataclass(frozen=True)
class ItemResult:
    address: str
    action: str
    status: ItemStatus
    verdict: Verdict | None = None
    detail: str | None = None
    serial: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address, "action": self.action, "status": self.status.value,
            "test": self.verdict.to_record() if self.verdict else None, "detail": self.detail,
            "serial": self.serial,
        }


@dataclass
class ApplyReport:
    workspace: str
    serial_before: int
    serial_after: int = 0
    items: list[ItemResult] = field(default_factory=list)
    interrupted: bool = False

    def count(self, status: ItemStatus) -> int:
        return sum(1 for i in self.items if i.status is status)

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(
            i.status in (ItemStatus.APPLIED, ItemStatus.DELETED) for i in self.items)

    def counts(self) -> Mapping[str, int]:
        return {s.value: self.count(s) for s in ItemStatus}

    def to_dict(self) -> dict[str, Any]:
        return {"workspace": self.workspace, "serial_before": self.serial_before,
                "serial_after": self.serial_after, "ok": self.ok, "interrupted": self.interrupted,
                "counts": dict(self.counts()), "items": [i.to_dict() for i in self.items]}
