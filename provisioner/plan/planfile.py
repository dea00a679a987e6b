"""``PlanFile``: the stored twin of ``Plan`` — JSON, versioned, with no secret value.

The same document is what ``plan --format json`` prints (docs/plan-json.md).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from provisioner import __version__
from provisioner.errors import ProvisionerError
from provisioner.plan.model import FORMAT_VERSION, Action, Change, FieldChange, Plan


def _change_to_dict(change: Change) -> dict[str, Any]:
    return {
        "address": change.address,
        "kind": change.kind,
        "name": change.name,
        "action": change.action.value,
        "reason": change.reason,
        "file": change.file,
        "before": change.before,
        "after": change.after,
        "fields": [{"path": f.path, "before": f.before, "after": f.after} for f in change.fields],
        "sensitive_changed": list(change.sensitive_changed),
        "desired_digest": change.desired_digest,
        "blocked": change.blocked,
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    return {
        "format_version": plan.format_version,
        "tool_version": __version__,
        "workspace": plan.workspace,
        "lineage": plan.lineage,
        "serial": plan.serial,
        "created_at": plan.created_at,
        "allow_delete": plan.allow_delete,
        "targets": list(plan.targets),
        "summary": plan.summary.to_dict(),
        "has_changes": plan.has_changes,
        "changes": [_change_to_dict(c) for c in plan.changes],
    }


def _change_from_dict(raw: dict[str, Any]) -> Change:
    return Change(
        address=str(raw["address"]), kind=str(raw["kind"]), name=str(raw["name"]),
        action=Action(raw["action"]), reason=str(raw["reason"]), file=raw.get("file"),
        before=raw.get("before"), after=raw.get("after"),
        fields=tuple(FieldChange(str(f["path"]), f.get("before"), f.get("after")) for f in raw.get("fields", [])),
        sensitive_changed=tuple(str(p) for p in raw.get("sensitive_changed", [])),
        desired_digest=raw.get("desired_digest"), blocked=raw.get("blocked"),
    )


def plan_from_dict(raw: Any, *, source: str = "plan file") -> Plan:
    if not isinstance(raw, dict) or "format_version" not in raw:
        raise ProvisionerError(f"{source} is not a provisioner plan", code="plan-file",
                               hint="pass the file written by `provisioner plan --out FILE`")
    if raw["format_version"] != FORMAT_VERSION:
        raise ProvisionerError(
            f"{source} has format version {raw['format_version']}, this provisioner reads {FORMAT_VERSION}",
            code="plan-file", hint="make a new plan with this version of provisioner",
        )
    try:
        return Plan(
            workspace=str(raw["workspace"]), lineage=str(raw["lineage"]), serial=int(raw["serial"]),
            changes=tuple(_change_from_dict(c) for c in raw["changes"]),
            allow_delete=bool(raw.get("allow_delete", False)),
            targets=tuple(str(t) for t in raw.get("targets", [])), created_at=str(raw.get("created_at", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProvisionerError(f"{source} is damaged ({type(exc).__name__}: {exc})", code="plan-file",
                               hint="make a new plan") from None


def write_plan_file(plan: Plan, path: Path) -> None:
    """Write atomically (temp file in the same directory, then rename); the content holds no secret."""
    text = json.dumps(plan_to_dict(plan), indent=2, sort_keys=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_plan_file(path: Path) -> Plan:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProvisionerError(f"{path}: no such plan file", code="plan-file",
                               hint="write one with `provisioner plan --out FILE`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProvisionerError(f"{path}: cannot read the plan ({exc})", code="plan-file",
                               hint="make a new plan") from None
    return plan_from_dict(raw, source=str(path))
