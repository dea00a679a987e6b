"""Plain-text lines describing a plan, shared by the human and markdown renderings."""

from __future__ import annotations

import json
from typing import Any

from provisioner.plan.model import Action, Change, Plan

SENSITIVE = "(sensitive value)"
SENSITIVE_CHANGED = "(sensitive value changed)"


def value_text(value: Any) -> str:
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def change_header(change: Change) -> str:
    where = f"  ({change.file})" if change.file else ""
    return f"{change.action.symbol} {change.address}{where}"


def change_body(change: Change) -> list[str]:
    """The field lines under a change header: ``+``/``~``/``-`` per field, secrets by name only."""
    lines: list[str] = []
    for f in change.fields:
        if f.before is None:
            lines.append(f"+ {f.path}: {value_text(f.after)}")
        elif f.after is None:
            lines.append(f"- {f.path}: {value_text(f.before)}")
        else:
            lines.append(f"~ {f.path}: {value_text(f.before)} -> {value_text(f.after)}")
    for path in change.sensitive_changed:
        if change.action is Action.CREATE:
            lines.append(f"+ {path}: {SENSITIVE}")
        elif change.action is Action.DELETE:
            lines.append(f"- {path}: {SENSITIVE}")
        else:
            lines.append(f"~ {path}: {SENSITIVE_CHANGED}")
    return sorted(lines, key=lambda line: line[2:])


def summary_text(plan: Plan) -> str:
    s = plan.summary
    if not plan.has_changes and not s.blocked:
        return f"No changes. {s.noop} up to date."
    parts = [f"{s.create} to create", f"{s.update} to update"]
    deletes = f"{s.delete} to delete"
    if s.blocked:
        deletes += f" ({s.blocked} not applied without --allow-delete)"
    parts.append(deletes)
    return f"Plan: {', '.join(parts)}, {s.noop} unchanged."


def visible_changes(plan: Plan) -> list[Change]:
    return [c for c in plan.changes if c.action is not Action.NOOP]
