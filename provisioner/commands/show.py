"""``provisioner show PLANFILE``: a saved plan, verified (its MAC), and whether it is still what apply would apply.

Viewing a stale plan is not an error: the reasons are what ``apply PLANFILE`` would give for refusing it
(``plan.staleness.stale_reasons``). A modified plan file is refused (``PlanFileModified``). When the files
cannot be compared (invalid declarations, or no SOPS key for a file whose secrets changed), the state check
still runs and ``files_checked`` says the rest was not possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from provisioner.commands.plan import make_plan
from provisioner.commands.state_open import open_project_store
from provisioner.config import ProjectConfig
from provisioner.errors import ProvisionerError
from provisioner.plan.model import Plan
from provisioner.plan.planfile import read_plan_file
from provisioner.plan.staleness import stale_reasons
from provisioner.state import load_state_key


@dataclass(frozen=True)
class ShownPlan:
    plan: Plan
    source: Path
    stale_reasons: tuple[str, ...]
    files_checked: bool = True
    files_note: str | None = None  # why the files could not be compared, when they could not

    @property
    def stale(self) -> bool:
        return bool(self.stale_reasons)


def show_plan(config: ProjectConfig, plan_file: Path, workspace: str | None = None) -> ShownPlan:
    """Read ``plan_file`` (refusing a modified one) and check it against the state and the files."""
    plan = read_plan_file(plan_file, load_state_key(config))
    with open_project_store(config, workspace or plan.workspace, missing_ok=True) as store:
        snapshot, history = store.snapshot(), store.history()
        try:
            current = make_plan(config, store, targets=plan.targets, allow_delete=plan.allow_delete).plan
        except ProvisionerError as exc:
            # only the state can be compared: the plan against itself adds no file reasons
            reasons = stale_reasons(plan, snapshot, history, plan)
            return ShownPlan(plan, plan_file, tuple(reasons), files_checked=False, files_note=exc.message)
    return ShownPlan(plan, plan_file, tuple(stale_reasons(plan, snapshot, history, current)))
