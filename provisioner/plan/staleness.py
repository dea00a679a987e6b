"""Is a saved plan still what would be applied? Lineage, serial and desired digests say.

A plan is bound to the state it was made against (lineage + serial) and to what the files
produced (a desired digest per declared resource). ``stale_reasons`` re-checks both and
names what moved: the state writes since the plan, and each file whose content changed.
A plan made before its workspace existed (lineage ``""``, serial 0) still holds for a workspace
created since, as long as nothing was written to it (still serial 0).
"""

from __future__ import annotations

from collections.abc import Sequence

from provisioner.errors import StalePlanError
from provisioner.plan.model import Action, Plan
from provisioner.state.records import HistoryEntry, Snapshot


def _state_reasons(plan: Plan, snapshot: Snapshot, history: Sequence[HistoryEntry]) -> list[str]:
    if snapshot.workspace != plan.workspace:
        return [f"the plan is for workspace {plan.workspace!r}, the state is workspace {snapshot.workspace!r}"]
    # lineage "" / serial 0: the plan was made before the workspace existed (plan reads an empty
    # store then); it holds while the workspace, created by this apply, is still at serial 0.
    if plan.lineage and snapshot.lineage != plan.lineage:
        return [f"the state was replaced since the plan (lineage {plan.lineage[:8]} in the plan, "
                f"{snapshot.lineage[:8]} now)"]
    if snapshot.serial == plan.serial:
        return []
    writes = [h for h in history if h.serial > plan.serial and h.action in {"create", "update", "delete", "rekey"}]
    reasons = [f"the state changed since the plan (serial {plan.serial} then, {snapshot.serial} now)"]
    for h in sorted(writes, key=lambda e: e.serial)[:20]:
        reasons.append(f"serial {h.serial}: {h.action} {h.address or ''} by {h.actor} at "
                       f"{h.at.isoformat(timespec='seconds')}".replace("  ", " "))
    return reasons


def _file_reasons(plan: Plan, current: Plan) -> list[str]:
    reasons = []
    now = {c.address: c for c in current.changes}
    for planned in plan.changes:
        c = now.pop(planned.address, None)
        where = planned.file or (c.file if c else None) or "the files"
        if planned.action is Action.DELETE:
            if c is not None and c.action is not Action.DELETE:
                reasons.append(f"{c.file}: {planned.address} is declared again (the plan deletes it)")
            continue
        if c is None or c.action is Action.DELETE:
            reasons.append(f"{where}: {planned.address} is no longer declared")
        elif c.desired_digest != planned.desired_digest:
            reasons.append(f"{c.file}: {planned.address} was edited after the plan")
    for c in now.values():
        if c.action is not Action.DELETE:
            reasons.append(f"{c.file}: {c.address} is declared but not in the plan")
        elif c.actionable or c.blocked:
            reasons.append(f"{c.address} would now be deleted but the plan does not say so")
    return reasons


def stale_reasons(plan: Plan, snapshot: Snapshot, history: Sequence[HistoryEntry], current: Plan) -> list[str]:
    """Why ``plan`` may not be applied, or [] when it still holds. ``current`` is a fresh diff of the files."""
    return _state_reasons(plan, snapshot, history) + _file_reasons(plan, current)


def ensure_fresh(plan: Plan, snapshot: Snapshot, history: Sequence[HistoryEntry], current: Plan) -> None:
    reasons = stale_reasons(plan, snapshot, history, current)
    if reasons:
        raise StalePlanError(
            "stale plan: " + "; ".join(reasons),
            hint="run `provisioner plan` again, review it, and apply the new plan",
        )
