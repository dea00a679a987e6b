"""``provisioner plan``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.options import ParallelismOpt, PathsArg, TargetOpt, WorkspaceOpt, format_option
from provisioner.cli.root import app
from provisioner.commands.locations import declaration_locations
from provisioner.commands.plan import make_plan
from provisioner.commands.state_open import open_project_store
from provisioner.config import DEFAULT_PARALLELISM, load_config
from provisioner.files import PUBLIC, write_file
from provisioner.plan.planfile import write_plan_file
from provisioner.render.console import stderr_console, stdout_console
from provisioner.render.diagnostics import render_human as render_diagnostics
from provisioner.render.formats import OutputFormat
from provisioner.render.github_ci import render_plan_github
from provisioner.render.plan import markdown_text, render_human, render_json, render_markdown
from provisioner.state import load_state_key

PLAN_FORMATS = (OutputFormat.HUMAN, OutputFormat.JSON, OutputFormat.MARKDOWN, OutputFormat.GITHUB)


@app.command("plan")
def plan_command(
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="FILE", help="Write the plan file for `apply FILE`.")] = None,
    fmt: Annotated[OutputFormat, format_option(*PLAN_FORMATS)] = OutputFormat.HUMAN,
    markdown: Annotated[Path | None, typer.Option(
        "--markdown", metavar="FILE",
        help="Also write a markdown rendering (a pull-request comment) to this file.")] = None,
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
    fmt = view.choose(fmt)
    config = load_config(require_project=True)
    with open_project_store(config, workspace, missing_ok=True) as store:
        run = make_plan(config, store, paths=paths or (), targets=target or (), allow_delete=allow_delete,
                        parallelism=parallelism)
    err = stderr_console()
    if run.diagnostics:
        render_diagnostics(run.diagnostics.sorted(), err)
    if out is not None:
        write_plan_file(run.plan, out, load_state_key(config))
    if markdown is not None:
        write_file(markdown, markdown_text(run.plan), mode=PUBLIC)
    if fmt is OutputFormat.JSON:
        render_json(run.plan)
    elif fmt is OutputFormat.MARKDOWN:
        render_markdown(run.plan)
    elif fmt is OutputFormat.GITHUB:
        render_plan_github(run.plan, declaration_locations(config, paths or ()))
    else:
        render_human(run.plan, stdout_console())
        if out is not None:
            stdout_console().print(f"\nSaved the plan to {out}; apply exactly it with: provisioner apply {out}")
    if run.decrypted_files:
        err.print(f"decrypted {len(run.decrypted_files)} file(s) whose secrets changed")
    # A delete held back for lack of --allow-delete still counts: a pipeline must see the removed file.
    raise typer.Exit(ExitCode.CHANGES if detailed_exitcode and run.plan.differs else ExitCode.OK)
