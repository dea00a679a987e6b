"""The in-memory plan: what would change, field by field, with no secret value anywhere.

``Plan`` is the in-memory twin of ``PlanFile`` (plan/planfile.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

FORMAT_VERSION = 1


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    NOOP = "no-op"

    @property
    def symbol(self) -> str:
        return {"create": "+", "update": "~", "delete": "-", "no-op": " "}[self.value]


@dataclass(frozen=True)
class FieldChange:
    """One non-secret field that differs; ``None`` on a side means absent."""

    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Change:
    address: str
    kind: str
    name: str
    action: Action
    reason: str
    before: Mapping[str, Any] | None = None  # non-secret spec in state
    after: Mapping[str, Any] | None = None  # non-secret spec declared
    fields: tuple[FieldChange, ...] = ()
    sensitive_changed: tuple[str, ...] = ()  # secret paths whose value changes (never the values)
    desired_digest: str | None = None  # binds the change to what the files produce (None for deletes)
    file: str | None = None  # the declaring file, relative to the project root
    blocked: str | None = None  # why apply will not execute this change (e.g. delete without --allow-delete)

    @property
    def actionable(self) -> bool:
        return self.action is not Action.NOOP and self.blocked is None


@dataclass(frozen=True)
class Summary:
    create: int = 0
    update: int = 0
    delete: int = 0
    noop: int = 0
    blocked: int = 0

    @property
    def changes(self) -> int:
        return self.create + self.update + self.delete - self.blocked

    def to_dict(self) -> dict[str, int]:
        return {"create": self.create, "update": self.update, "delete": self.delete,
                "noop": self.noop, "blocked": self.blocked}


@dataclass(frozen=True)
class Plan:
    workspace: str
    lineage: str
    serial: int
    changes: tuple[Change, ...]
    allow_delete: bool = False
    targets: tuple[str, ...] = ()
    created_at: str = ""
    format_version: int = FORMAT_VERSION

    @property
    def summary(self) -> Summary:
        count = {a: sum(1 for c in self.changes if c.action is a) for a in Action}
        return Summary(
            create=count[Action.CREATE], update=count[Action.UPDATE], delete=count[Action.DELETE],
            noop=count[Action.NOOP], blocked=sum(1 for c in self.changes if c.blocked),
        )

    @property
    def has_changes(self) -> bool:
        """Whether apply would do anything."""
        return any(c.actionable for c in self.changes)

    @property
    def differs(self) -> bool:
        """Whether the files and the state disagree: changes, or deletes held back without --allow-delete."""
        return any(c.action is not Action.NOOP for c in self.changes)

    def change(self, address: str) -> Change | None:
        return next((c for c in self.changes if c.address == address), None)
