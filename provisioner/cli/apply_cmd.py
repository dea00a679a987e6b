"""``provisioner apply [PLANFILE]``."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from provisioner.apply.executor import ApplyOptions
from provisioner.apply.probing import make_prober
from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.options import (
    HUMAN_JSON,
    LockTimeoutOpt,
    ParallelismOpt,
    PathsArg,
    TargetOpt,
    WorkspaceOpt,
    format_option,
)
from provisioner.cli.root import app
from provisioner.commands.apply import apply
from provisioner.commands.locations import declaration_locations
from provisioner.commands.plan import PlanRun
from provisioner.commands.state_open import open_project_store
from provisioner.commands.workspace import actor, git_commit
from provisioner.config import DEFAULT_PARALLELISM, load_config
from provisioner.errors import Interrupted, ProvisionerError
from provisioner.probe.session_pool import SessionPool
from provisioner.render.annotations import print_annotation
from provisioner.render.apply import (
    ApplyProgress,
    nothing_done_message,
    render_json,
    render_nothing_done_json,
    render_summary,
)
from provisioner.render.console import stderr_console, stdout_console
from provisioner.render.diagnostics import render_human as render_diagnostics
from provisioner.render.formats import OutputFormat
from provisioner.render.github_ci import render_apply_github
from provisioner.render.plan import render_human as render_plan
from provisioner.targets import target_for


def _confirm(auto_approve: bool, fmt: OutputFormat) -> Callable[[PlanRun], bool]:
    def confirm(run: PlanRun) -> bool:
        console = stdout_console() if fmt is OutputFormat.HUMAN else stderr_console()
        render_plan(run.plan, console)
        if auto_approve:
            return True
        if not sys.stdin.isatty():
            raise ProvisionerError("refusing to apply without confirmation: no terminal to ask on",
                                   code="not-approved",
                                   hint="review `provisioner plan --out plan.json`, then "
                                   "`provisioner apply plan.json`, or pass --auto-approve")
        return typer.confirm("Apply these changes?", default=False)

    return confirm


def _stop_on_sigint(stop: threading.Event) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise Interrupted(signum)
        stop.set()
        stderr_console().print("interrupt: no new work starts; waiting for tests in flight (Ctrl-C again to abort)")

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


@app.command("apply")
def apply_command(
    plan_file: Annotated[Path | None, typer.Argument(
        metavar="PLANFILE", help="A plan written by `plan --out`: apply exactly it, or refuse it when stale.",
        show_default=False)] = None,
    auto_approve: Annotated[bool, typer.Option("--auto-approve", help="Apply without asking (no plan file).")] = False,
    skip_test: Annotated[bool, typer.Option("--skip-test", help="Commit without testing (recorded).")] = False,
    lock_timeout: LockTimeoutOpt = 0.0,
    allow_delete: Annotated[bool, typer.Option(
        "--allow-delete", help="Delete stored connections no longer declared (no plan file).")] = False,
    fmt: Annotated[OutputFormat, format_option(
        *HUMAN_JSON, OutputFormat.GITHUB, what="; json: the report on stdout; github: workflow annotations")] = (
        OutputFormat.HUMAN),
    target: TargetOpt = None,
    paths: PathsArg = None,
    workspace: WorkspaceOpt = None,
    parallelism: ParallelismOpt = DEFAULT_PARALLELISM,
) -> None:
    """Test each changed connection, then commit it to the state; a failed test commits nothing."""
    fmt = view.choose(fmt)
    if plan_file is not None and (target or allow_delete):
        raise ProvisionerError("--target and --allow-delete belong to the plan; a plan file already fixes them",
                               code="usage", hint="make the plan with them: provisioner plan --out FILE ...")
    config = load_config(require_project=True)
    stop = threading.Event()
    out = stdout_console() if fmt is OutputFormat.HUMAN else stderr_console()
    destination = target_for(config)  # provisioner.yaml's `target:` (--target selects connections)
    with (closing(destination), open_project_store(config, workspace, create=True) as store,
          SessionPool(pool_maxsize=parallelism) as pool, ApplyProgress(out) as progress):

        def start(total: int) -> None:  # from here on Ctrl-C stops new work instead of aborting
            _stop_on_sigint(stop)
            progress.start(total)

        options = ApplyOptions(actor=actor(), prober=make_prober(pool), target=destination,
                               git_commit=git_commit(config.root), skip_test=skip_test, parallelism=parallelism,
                               stop=stop, on_item=progress, on_start=start)
        result = apply(config, store, options=options, plan_file=plan_file, paths=paths or (),
                       targets=target or (), allow_delete=allow_delete, lock_timeout=lock_timeout,
                       confirm=_confirm(auto_approve, fmt), test_early=auto_approve)
    if result.run and result.run.diagnostics:
        render_diagnostics(result.run.diagnostics.sorted(), stderr_console())
    report = result.report
    if report is None:
        message = nothing_done_message(result.plan, confirmed=result.confirmed)
        if fmt is OutputFormat.JSON:
            render_nothing_done_json(message, ok=result.confirmed)
        elif fmt is OutputFormat.GITHUB:
            print_annotation("notice" if result.confirmed else "error", message, title="apply")
        else:
            out.print(message)
        raise typer.Exit(ExitCode.OK if result.confirmed else ExitCode.ERROR)
    if fmt is OutputFormat.JSON:
        render_json(report)
    elif fmt is OutputFormat.GITHUB:
        render_apply_github(report, declaration_locations(config, paths or ()))
    else:
        render_summary(report, out)
    raise typer.Exit(ExitCode.OK if report.ok else ExitCode.ERROR)
