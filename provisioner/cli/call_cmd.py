"""``provisioner call NAME [METHOD] PATH``: curl as an applied connection."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.options import HUMAN_JSON, WorkspaceOpt, format_option
from provisioner.cli.root import app
from provisioner.commands.call import call_connection, parse_method_and_path, read_data
from provisioner.config import load_config
from provisioner.render.call import render_human, render_json
from provisioner.render.console import stderr_console, stdout_console
from provisioner.render.formats import OutputFormat


@app.command("call")
def call_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help="An applied connection (from the state).",
                                        show_default=False)],
    request: Annotated[list[str], typer.Argument(
        metavar="[GET|POST|PUT|DELETE] PATH", help="Method (default GET) and a path under the base URI.",
        show_default=False)],
    data: Annotated[str | None, typer.Option(
        "--data", "-d", metavar="JSON|@FILE", help="A JSON body (POST, PUT, DELETE).", show_default=False)] = None,
    fmt: Annotated[OutputFormat, format_option(*HUMAN_JSON)] = OutputFormat.HUMAN,
    workspace: WorkspaceOpt = None,
) -> None:
    """Send one signed request as connection NAME and print the answer; exit 0 for 2xx, 1 otherwise."""
    fmt = view.choose(fmt)
    method, path = parse_method_and_path(request)
    body = read_data(data, Path.cwd())
    config = load_config(require_project=True)
    result = call_connection(config, name, method, path, data=body, workspace=workspace)
    if fmt is OutputFormat.JSON:
        render_json(result)
    else:
        render_human(result, stdout_console(), stderr_console())
    raise typer.Exit(ExitCode.OK if result.ok else ExitCode.ERROR)
