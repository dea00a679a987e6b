"""``provisioner apply``: under the workspace lease, check the plan, decrypt, test, commit.

With a plan file: the state must still be at the plan's lineage and serial and the files must
still produce the planned digests, else the plan is refused as stale and nothing is applied.
Without one: plan now, let ``confirm`` decide (the CLI asks on a TTY or needs --auto-approve).
The changes go to ``options.target`` (``provisioner.targets``; built from the settings by the caller).

Connection tests start while the plan is still decrypting the other files (apply/early.py): with a plan
file, only for declarations equal to the reviewed ones; without one, only when ``test_early`` says the
changes are approved before the plan is shown (--auto-approve). Commits wait for the whole plan as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from provisioner.apply.checkpoints import after, checkpoint
from provisioner.apply.early import EarlyTests, reviewed
from provisioner.apply.executor import ApplyOptions, execute
from provisioner.apply.results import ApplyReport
from provisioner.commands.plan import PlanRun, make_plan
from provisioner.config import ProjectConfig
from provisioner.declarations.declaration import Declaration
from provisioner.errors import InvalidInputError, ProvisionerError
from provisioner.plan.model import Action, Plan
from provisioner.plan.planfile import read_plan_file
from provisioner.plan.review import ensure_reviewed
from provisioner.plan.staleness import ensure_fresh
from provisioner.secrets.resolve import decrypt_declarations
from provisioner.secrets.verify import project_sops
from provisioner.state import Store, load_state_key


@dataclass
class ApplyRun:
    plan: Plan
    report: ApplyReport | None  # None: nothing to do, or not confirmed
    confirmed: bool = True
    run: PlanRun | None = None


def _decrypted_for(config: ProjectConfig, plan: Plan, run: PlanRun, parallelism: int) -> dict[str, Declaration]:
    """Every declaration apply will commit, with its secret values (the plan decrypted only changed ones)."""
    decls = dict(run.declarations)
    need = [decls[c.address] for c in plan.changes
            if c.actionable and c.action is not Action.DELETE and not decls[c.address].decrypted]
    if need:
        done, diagnostics = decrypt_declarations(need, parallelism=parallelism, sops=project_sops(config))
        if diagnostics.has_errors:
            raise InvalidInputError(diagnostics, "cannot apply: the secrets could not be decrypted")
        decls.update({d.address: d for d in done})
    return decls


def apply(
    config: ProjectConfig,
    store: Store,
    *,
    options: ApplyOptions,
    plan_file: Path | None = None,
    paths: Sequence[Path] = (),
    targets: Sequence[str] = (),
    allow_delete: bool = False,
    lock_timeout: float = 0.0,
    confirm: Callable[[PlanRun], bool] = lambda run: True,
    test_early: bool = False,
) -> ApplyRun:
    checkpoint("opened")
    with after("released"), store.lock("apply", timeout=lock_timeout):
        checkpoint("locked")
        saved = read_plan_file(plan_file, load_state_key(config)) if plan_file is not None else None
        if saved is not None and saved.workspace != store.workspace:
            raise ProvisionerError(
                f"{plan_file} is a plan for workspace {saved.workspace!r}, not {store.workspace!r}",
                code="stale-plan", hint=f"apply it with --workspace {saved.workspace}")
        early = None if options.skip_test or (saved is None and not test_early) else EarlyTests(
            options.prober, parallelism=options.parallelism, stop=options.stop,
            admit=reviewed(saved, store.fingerprint) if saved is not None else lambda decl: True)
        try:
            return _apply(config, store, options, saved, early, paths=paths, targets=targets,
                          allow_delete=allow_delete, confirm=confirm)
        finally:
            if early is not None:
                early.close()


def _apply(config: ProjectConfig, store: Store, options: ApplyOptions, saved: Plan | None, early: EarlyTests | None,
           *, paths: Sequence[Path], targets: Sequence[str], allow_delete: bool,
           confirm: Callable[[PlanRun], bool]) -> ApplyRun:
    offer = early.offer if early is not None else None
    if saved is not None:
        run = make_plan(config, store, paths=paths, targets=saved.targets, allow_delete=saved.allow_delete,
                        parallelism=options.parallelism, target=options.target, on_decrypted=offer)
        ensure_fresh(saved, store.snapshot(), store.history(), run.plan)
        ensure_reviewed(saved, run.plan)
        plan = run.plan  # what the files say, proven equal to what was reviewed; never the file's `after`
    else:
        run = make_plan(config, store, paths=paths, targets=targets, allow_delete=allow_delete,
                        parallelism=options.parallelism, target=options.target, on_decrypted=offer)
        plan = run.plan
        if not plan.has_changes:
            return ApplyRun(plan, None, run=run)
        if not confirm(run):
            return ApplyRun(plan, None, confirmed=False, run=run)
    if not plan.has_changes:
        return ApplyRun(plan, None, run=run)
    decls = _decrypted_for(config, plan, run, options.parallelism)
    report = execute(plan, decls, store, options,
                     early=early.verdict_for if early is not None else lambda decl: None)
    return ApplyRun(plan, report, run=run)

