"""``provisioner plan``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.options import ParallelismOpt, PathsArg, PlanFormat, TargetOpt, WorkspaceOpt
from provisioner.cli.root import app
from provisioner.commands.plan import make_plan
from provisioner.commands.state_open import open_project_store
from provisioner.config import DEFAULT_PARALLELISM, load_config
from provisioner.plan.planfile import write_plan_file
from provisioner.render.console import stderr_console, stdout_console
from provisioner.render.diagnostics import render_human as render_diagnostics
from provisioner.render.plan import render_human, render_json, render_markdown
from provisioner.state import load_state_key


@app.command("plan")
def plan_command(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the plan file for `apply FILE`.")] = None,
    fmt: Annotated[PlanFormat, typer.Option("--format", "-f", help="human, json or markdown.")] = PlanFormat.HUMAN,
    markdown: Annotated[Path | None, typer.Option(
        "--markdown", help="Also write a markdown rendering (a pull-request comment) to this file.")] = None,
    detailed_exitcode: Annotated[bool, typer.Option(
        "--detailed-exitcode",
        help="Exit 0 when files and state agree, 2 when they differ (deletes held back included).")] = False,
    target: TargetOpt = None,
    allow_delete: Annotated[bool, typer.Option(
        "--allow-delete", help="Let apply delete stored connections that are no longer declared.")] = False,
    paths: PathsArg = None,
    workspace: WorkspaceOpt = None,
    parallelism: ParallelismOpt = DEFAULT_PARALLELISM,
) -> None:
    """Compare the declarations with the state and show what apply would change. Never shows a secret."""
    config = load_config()
    store = open_project_store(config, workspace)
    try:
        run = make_plan(config, store, paths=paths or (), targets=target or (), allow_delete=allow_delete,
                        parallelism=parallelism)
    finally:
        store.close()
    err = stderr_console()
    if run.diagnostics:
        render_diagnostics(run.diagnostics.sorted(), err)
    if out is not None:
        write_plan_file(run.plan, out, load_state_key(config))
    if markdown is not None:
        markdown.write_text(render_markdown(run.plan), encoding="utf-8")
    if fmt is PlanFormat.JSON:
        stdout_console().out(render_json(run.plan), highlight=False)
    elif fmt is PlanFormat.MARKDOWN:
        stdout_console().out(render_markdown(run.plan), highlight=False, end="")
    else:
        render_human(run.plan, stdout_console())
        if out is not None:
            stdout_console().print(f"\nSaved the plan to {out}; apply exactly it with: provisioner apply {out}")
    if run.decrypted_files:
        err.print(f"decrypted {len(run.decrypted_files)} file(s) whose secrets changed")
    # A delete held back for lack of --allow-delete still counts: a pipeline must see the removed file.
    raise typer.Exit(ExitCode.CHANGES if detailed_exitcode and run.plan.differs else ExitCode.OK)
