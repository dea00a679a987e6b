"""Plan against a read-back target: what changed on the remote side becomes part of the plan.

For each applied connection the plan would leave alone or update, the target reads it back
(``provisioner.drift.remote.read_remote``, without listing the whole account):
- remote non-secret fields that differ from the state -> an update with the reason
  ``modified remotely (by WHO, at WHEN)``; its fields show the remote value -> the declared one;
- gone remotely -> a create (the target creates it again), reason ``deleted remotely``.
Secrets cannot be read back (they come back masked): their drift is only known from our fingerprints.
The ``local`` target cannot be read back: the plan is unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from provisioner.drift.model import DriftStatus
from provisioner.drift.remote import RemoteFinding, RemoteResults, Unseal, read_remote
from provisioner.errors import ProvisionerError
from provisioner.plan.model import Action, Change, FieldChange, Plan
from provisioner.plan.normalise import flatten
from provisioner.state.records import Record
from provisioner.targets.base import Target


def _modified(change: Change, finding: RemoteFinding) -> Change:
    who = ", ".join(p for p in (f"by {finding.by}" if finding.by else "", f"at {finding.at}" if finding.at else "")
                    if p)
    reason = f"modified remotely ({who})" if who else "modified remotely"
    after = flatten(change.after or {})
    remote = tuple(FieldChange(p, finding.remote.get(p), after.get(p)) for p in finding.fields
                   if p not in {f.path for f in change.fields})
    return replace(change, action=Action.UPDATE, fields=change.fields + remote,
                   reason=reason if change.action is Action.NOOP else f"{change.reason}; {reason}")


def with_remote(plan: Plan, target: Target, records: Mapping[str, Record],
                unseal: Unseal | None = None) -> tuple[Plan, RemoteResults]:
    """``plan`` with the remote side's changes folded in (the plan itself when the target cannot read back).

    ``unseal`` (the store's) cleans the remote values shown of the records' own secrets.
    """
    if not target.capabilities.reads_back:
        return plan, RemoteResults()
    picked = [records[c.address] for c in plan.changes
              if c.address in records and c.action in (Action.NOOP, Action.UPDATE)]
    if not picked:
        return plan, RemoteResults()
    try:
        results = read_remote(target, picked, list_undeclared=False, unseal=unseal)
    except ProvisionerError as exc:
        raise ProvisionerError(f"could not read the {target.name} target back: {exc.message}", code=exc.code,
                               hint=exc.hint) from None
    changes = []
    for change in plan.changes:
        finding = results.findings.get(change.address)
        if finding is None:
            changes.append(change)
        elif finding.status is DriftStatus.MISSING_REMOTELY:
            changes.append(replace(change, action=Action.CREATE, reason="deleted remotely: created again"))
        else:
            changes.append(_modified(change, finding))
    return replace(plan, changes=tuple(changes)), results
