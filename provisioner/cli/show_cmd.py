"""``provisioner show PLANFILE``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.options import WorkspaceOpt, format_option
from provisioner.cli.root import app
from provisioner.commands.show import show_plan
from provisioner.config import load_config
from provisioner.render.console import stdout_console
from provisioner.render.formats import OutputFormat
from provisioner.render.show import render_human, render_json, render_markdown

SHOW_FORMATS = (OutputFormat.HUMAN, OutputFormat.JSON, OutputFormat.MARKDOWN)


@app.command("show")
def show_command(
    plan_file: Annotated[Path, typer.Argument(
        metavar="PLANFILE", help="A plan written by `plan --out`.", show_default=False)],
    fmt: Annotated[OutputFormat, format_option(*SHOW_FORMATS)] = OutputFormat.HUMAN,
    workspace: WorkspaceOpt = None,
) -> None:
    """Show a saved plan as `plan` did, with a banner when it is stale (not an error: exit 0)."""
    fmt = view.choose(fmt)
    config = load_config(require_project=True)
    shown = show_plan(config, plan_file, workspace)
    if fmt is OutputFormat.JSON:
        render_json(shown)
    elif fmt is OutputFormat.MARKDOWN:
        render_markdown(shown)
    else:
        render_human(shown, stdout_console())
    raise typer.Exit(ExitCode.OK)
