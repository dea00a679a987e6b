"""Is the saved plan exactly what the files and the state give now? Field by field.

Apply re-derives the plan under the workspace lease and executes that fresh plan, never the
``before``/``after`` read from the file. Before it does, ``ensure_reviewed`` proves the two
equal: every change's address, kind, name, action, reason, before, after, fields,
sensitive_changed, desired_digest and blocked, and the plan's workspace, lineage, serial,
allow_delete, targets and format version. Values are compared as canonical JSON (``1`` is not
``true``, ``30`` is not ``30.0``). A difference names the address and the field path, never a
value. Only ``created_at``, ``tool_version`` and a change's ``file`` (a renamed file with the
same content applies the same way) are not compared.

A plan made before its workspace existed (lineage ``""``) matches a workspace created since
only while that workspace is still empty at serial 0 (staleness.py checks that first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provisioner.canonical import canonical_json
from provisioner.plan.json_input import printable
from provisioner.plan.model import Change, Plan
from provisioner.plan.normalise import flatten
from provisioner.plan.planfile import MODIFIED_HINT, PlanFileModified

MAX_NAMED = 20
CHANGE_FIELDS = ("kind", "name", "action", "reason", "sensitive_changed", "desired_digest", "blocked")


def _same(a: Any, b: Any) -> bool:
    return canonical_json(a) == canonical_json(b)


def _spec_paths(side: str, saved: Mapping[str, Any] | None, fresh: Mapping[str, Any] | None) -> list[str]:
    if saved is None or fresh is None:
        return [] if saved is None and fresh is None else [side]
    flat_saved, flat_fresh = flatten(saved), flatten(fresh)
    if not _same(saved, fresh) and _same(flat_saved, flat_fresh):
        return [side]  # differs only in shape (e.g. an empty mapping added)
    return [f"{side}.{printable(p)}" for p in sorted(set(flat_saved) | set(flat_fresh))
            if p not in flat_saved or p not in flat_fresh or not _same(flat_saved[p], flat_fresh[p])]


def _field_paths(saved: Change, fresh: Change) -> list[str]:
    old = {f.path: (f.before, f.after) for f in saved.fields}
    new = {f.path: (f.before, f.after) for f in fresh.fields}
    paths = [f"fields[{printable(p)}]" for p in sorted(set(old) | set(new))
             if p not in old or p not in new or not _same(old[p], new[p])]
    if not paths and [f.path for f in saved.fields] != [f.path for f in fresh.fields]:
        paths = ["fields (order)"]
    return paths


def change_differences(saved: Change, fresh: Change) -> list[str]:
    """The field paths in which two changes of one address differ (no values)."""
    found = [name for name in CHANGE_FIELDS if not _same(_plain(getattr(saved, name)), _plain(getattr(fresh, name)))]
    found += _spec_paths("before", saved.before, fresh.before)
    found += _spec_paths("after", saved.after, fresh.after)
    found += _field_paths(saved, fresh)
    return found


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def differences(saved: Plan, fresh: Plan) -> list[str]:
    """Every way ``saved`` differs from ``fresh``, as ``where: what`` strings without values."""
    found: list[str] = []
    new_workspace = saved.lineage == "" and saved.serial == 0 and fresh.serial == 0  # serial 0: no record yet
    for name in ("workspace", "lineage", "serial", "allow_delete", "targets", "format_version"):
        if name == "lineage" and new_workspace:
            continue
        if not _same(_plain(getattr(saved, name)), _plain(getattr(fresh, name))):
            found.append(f"the plan's {name} differs")
    old = {c.address: c for c in saved.changes}
    new = {c.address: c for c in fresh.changes}
    if len(old) != len(saved.changes):
        found.append("the plan lists a change twice")
    for address in sorted(set(old) | set(new)):
        if address not in new:
            found.append(f"{address}: in the plan file, not in the plan made now")
        elif address not in old:
            found.append(f"{address}: in the plan made now, not in the plan file")
        else:
            found += [f"{address}: {path} differs" for path in change_differences(old[address], new[address])]
    if not found and [c.address for c in saved.changes] != [c.address for c in fresh.changes]:
        found.append("the changes are listed in another order")
    return found


def ensure_reviewed(saved: Plan, fresh: Plan) -> None:
    """Refuse (``plan-file-modified``) unless ``saved`` is exactly the plan the files and state give now."""
    found = differences(saved, fresh)
    if found:
        shown = found[:MAX_NAMED] + ([f"and {len(found) - MAX_NAMED} more"] if len(found) > MAX_NAMED else [])
        raise PlanFileModified(
            "the plan file does not match what the files and the state give now, so it was modified after "
            "it was written (or made by another version of provisioner): " + "; ".join(shown),
            hint=MODIFIED_HINT,
        )
