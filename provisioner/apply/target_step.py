"""One create or update through the target, after our own test passed: its remote test, then its put.

Runs on the executor's worker threads. A ``ProvisionerError`` from the target (``TargetError``
above all) fails that one item and says why; anything else is a bug and propagates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from provisioner.apply.results import Verdict
from provisioner.declarations.declaration import Declaration
from provisioner.errors import ProvisionerError
from provisioner.plan.model import Change
from provisioner.state.records import Record
from provisioner.targets.base import Desired, Target, TargetOutputs


@dataclass(frozen=True)
class Failure:
    """Why nothing is committed for an item, as history and the report say it (never a secret)."""

    stage: str  # the history action: "test" (ours or the target's remote test) or "target" (the target refused)
    why: str  # the history detail: the failure class, e.g. "unauthorized" or "integratorio create: invalid-field"
    detail: str | None = None  # the report's detail for the item


@dataclass(frozen=True)
class Ready:
    """An item after its tests and the target's put: what to commit, or why not."""

    verdict: Verdict  # our test, or the target's remote test when that one failed
    outputs: TargetOutputs = field(default_factory=dict)
    failure: Failure | None = None


def failure_verdict(exc: ProvisionerError) -> Verdict:
    return Verdict(ok=False, outcome=exc.code, message=exc.message, hint=exc.hint,
                   status=getattr(exc, "status", None))


def refusal(target: Target, exc: ProvisionerError, action: str) -> Failure:
    hint = f" (hint: {exc.hint})" if exc.hint else ""
    return Failure("target", f"{target.name} {action}: {exc.code}",
                   f"target {target.name} refused the {action}: {exc.message}{hint}")


def through_target(target: Target, change: Change, declaration: Declaration, record: Record | None,
                   verdict: Verdict, *, remote_test: bool) -> Ready:
    """``verdict`` is our own (passing) test; then the target tests remotely (unless skipped) and puts."""
    desired = Desired(change.address, change.action.value, change.after or {}, declaration,
                      previous=record.target_outputs if record else {})
    if remote_test:
        try:
            target.test(desired)
        except ProvisionerError as exc:
            return Ready(failure_verdict(exc), failure=Failure(
                "test", f"{target.name}: {exc.code}", f"remote test by target {target.name}"))
    try:
        outputs = target.put(desired)
    except ProvisionerError as exc:
        return Ready(verdict, failure=refusal(target, exc, change.action.value))
    return Ready(verdict, outputs=dict(outputs))
