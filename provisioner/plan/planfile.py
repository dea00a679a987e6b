"""``PlanFile``: the stored twin of ``Plan`` — JSON, versioned, with no secret value, authenticated.

The same document, without the MAC, is what ``plan --format json`` prints (docs/plan-json.md).
A plan file is what a reviewer approved: ``read_plan_file`` refuses one that is not exactly what
``write_plan_file`` wrote with this state key (code ``plan-file-modified``), and one that is not a
well-formed plan in every field (code ``plan-file``, naming the field). Reading never blocks on a
FIFO or a device, never reads more than ``json_input.MAX_BYTES``, never ends in a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from provisioner import __version__
from provisioner.errors import ProvisionerError
from provisioner.files import PRIVATE, write_file
from provisioner.plan.authentication import MAC_FIELD, MAC_PATTERN, mac_matches, plan_file_mac
from provisioner.plan.json_input import FileMissing, JsonInputError, parse_json, read_regular_file
from provisioner.plan.model import FORMAT_VERSION, Action, Change, FieldChange, Plan, Summary
from provisioner.plan.schema import ChangeFile, PlanFileDocument, describe


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


MODIFIED = "the plan file was modified after it was written (or made with another state key)"
MODIFIED_HINT = "make a new plan with `provisioner plan --out FILE`, review it, and apply that file unchanged"


class PlanFileModified(ProvisionerError):
    """The plan file is not what ``write_plan_file`` wrote with this state key; nothing is applied."""

    code = "plan-file-modified"


def _damaged(source: str, why: str) -> ProvisionerError:
    return ProvisionerError(f"{source} is not a valid plan file: {why}", code="plan-file",
                            hint="pass the file written by `provisioner plan --out FILE`, unchanged")


def _change(raw: ChangeFile) -> Change:
    return Change(
        address=raw.address, kind=raw.kind, name=raw.name, action=Action(raw.action), reason=raw.reason,
        file=raw.file, before=raw.before, after=raw.after,
        fields=tuple(FieldChange(f.path, f.before, f.after) for f in raw.fields),
        sensitive_changed=tuple(raw.sensitive_changed), desired_digest=raw.desired_digest, blocked=raw.blocked,
    )


def _check_derived(doc: PlanFileDocument, plan: Plan, source: str) -> None:
    """The summary, has_changes and addresses must agree with the changes (they are shown to reviewers)."""
    addresses = [c.address for c in plan.changes]
    twice = sorted({a for a in addresses if addresses.count(a) > 1})
    if twice:
        raise _damaged(source, f"changes: {', '.join(twice[:5])} appear more than once")
    s = doc.summary
    if Summary(s.create, s.update, s.delete, s.noop, s.blocked) != plan.summary:
        raise _damaged(source, "summary: does not count the changes")
    if doc.has_changes != plan.has_changes:
        raise _damaged(source, "has_changes: does not agree with the changes")


def plan_from_dict(raw: Any, *, source: str = "plan file") -> Plan:
    """A Plan from a plan document (without its MAC), every field checked for its exact type."""
    if not isinstance(raw, dict) or "format_version" not in raw:
        raise ProvisionerError(f"{source} is not a provisioner plan", code="plan-file",
                               hint="pass the file written by `provisioner plan --out FILE`")
    version = raw["format_version"]
    if type(version) is int and version != FORMAT_VERSION:
        raise ProvisionerError(f"{source} has format version {version}, this provisioner reads {FORMAT_VERSION}",
                               code="plan-file", hint="make a new plan with this version of provisioner")
    try:
        doc = PlanFileDocument.model_validate(raw)
    except ValidationError as exc:
        raise _damaged(source, describe(exc)) from None
    plan = Plan(workspace=doc.workspace, lineage=doc.lineage, serial=doc.serial,
                changes=tuple(_change(c) for c in doc.changes), allow_delete=doc.allow_delete,
                targets=tuple(doc.targets), created_at=doc.created_at, format_version=doc.format_version)
    _check_derived(doc, plan, source)
    return plan


def plan_from_bytes(data: bytes, state_key: bytes, *, source: str = "plan file") -> Plan:
    """Parse, check every field, then verify the MAC: the Plan exactly as written, or an error."""
    try:
        raw = parse_json(data)
    except JsonInputError as exc:
        raise _damaged(source, str(exc)) from None
    if not isinstance(raw, dict):
        raise ProvisionerError(f"{source} is not a provisioner plan", code="plan-file",
                               hint="pass the file written by `provisioner plan --out FILE`")
    document = {k: v for k, v in raw.items() if k != MAC_FIELD}
    plan = plan_from_dict(document, source=source)
    mac = raw.get(MAC_FIELD)
    if mac is None:
        raise PlanFileModified(f"{source}: {MODIFIED} (it has no {MAC_FIELD} field)", hint=MODIFIED_HINT)
    if not isinstance(mac, str) or not MAC_PATTERN.fullmatch(mac):
        raise PlanFileModified(f"{source}: {MODIFIED} (its {MAC_FIELD} field is malformed)", hint=MODIFIED_HINT)
    if not mac_matches(state_key, document, mac):
        raise PlanFileModified(f"{source}: {MODIFIED}", hint=MODIFIED_HINT)
    return plan


def write_plan_file(plan: Plan, path: Path, state_key: bytes) -> None:
    """Write atomically (temp file in the same directory, then rename), with its MAC; it holds no secret."""
    document = plan_to_dict(plan)
    try:
        document[MAC_FIELD] = plan_file_mac(state_key, document)
        text = json.dumps(document, indent=2, sort_keys=False, allow_nan=False) + "\n"
    except (ValueError, UnicodeEncodeError):  # NaN or a lone surrogate: the reader would refuse it
        raise ProvisionerError(f"{path}: cannot write the plan: a value in it is not valid JSON text "
                               "(NaN, Infinity or a lone surrogate)", code="plan-file") from None
    if path.is_symlink() or (path.exists() and not path.is_file()):
        # os.replace would replace the link or the device itself (as root: /dev/null with a regular file)
        raise ProvisionerError(f"{path}: not a regular file; plan --out writes a new or regular file",
                               code="plan-file", hint="choose another path, e.g. plan.json")
    write_file(path, text, mode=PRIVATE)


def read_plan_file(path: Path, state_key: bytes) -> Plan:
    """The plan in ``path`` if ``write_plan_file`` wrote it, unchanged, with this state key; else an error."""
    try:
        data = read_regular_file(path)
    except FileMissing:
        raise ProvisionerError(f"{path}: no such plan file", code="plan-file",
                               hint="write one with `provisioner plan --out FILE`") from None
    except JsonInputError as exc:
        raise ProvisionerError(f"{path}: cannot read the plan: {exc}", code="plan-file",
                               hint="pass the file written by `provisioner plan --out FILE`") from None
    return plan_from_bytes(data, state_key, source=str(path))
