"""``provisioner import NAME... | --all``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.options import HUMAN_JSON, LockTimeoutOpt, WorkspaceOpt, format_option
from provisioner.cli.root import app
from provisioner.commands.import_ import import_records
from provisioner.commands.import_target import import_from_target
from provisioner.config import load_config
from provisioner.errors import ProvisionerError
from provisioner.render.console import stderr_console, stdout_console
from provisioner.render.formats import OutputFormat
from provisioner.render.imports import render_human, render_json


@app.command("import")
def import_command(
    names: Annotated[list[str] | None, typer.Argument(
        metavar="NAME", help="Records to write declarations for (a name or an address).", show_default=False)] = None,
    all_records: Annotated[bool, typer.Option(
        "--all", help="Every record in the state that no file declares.")] = False,
    from_target: Annotated[bool, typer.Option(
        "--from-target", help="Import connections from the target's account (integrator.io) that no record "
                              "manages: NAME is a remote name or id (default: all).")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", help="Where to write (default: the first of provisioner.yaml's paths).",
        show_default=False)] = None,
    fmt: Annotated[OutputFormat, format_option(*HUMAN_JSON)] = OutputFormat.HUMAN,
    workspace: WorkspaceOpt = None,
    lock_timeout: LockTimeoutOpt = 0.0,
) -> None:
    """Write declarations (secrets encrypted by sops) for applied records no file declares; never overwrites."""
    fmt = view.choose(fmt)
    if from_target:
        result = import_from_target(load_config(require_project=True), names or (),
                                    out=out.absolute() if out else None, workspace=workspace)
        if fmt is OutputFormat.JSON:
            render_json(result)
        else:
            render_human(result, stdout_console(), stderr_console())
        raise typer.Exit(ExitCode.OK)
    if bool(names) == all_records:
        raise ProvisionerError("name the records to import, or pass --all (not both)", code="usage",
                               hint="Try 'provisioner import --help' for help.")
    config = load_config(require_project=True)
    result = import_records(config, names or (), out=out.absolute() if out else None, workspace=workspace,
                            lock_timeout=lock_timeout)
    if fmt is OutputFormat.JSON:
        render_json(result)
    else:
        render_human(result, stdout_console(), stderr_console())
    raise typer.Exit(ExitCode.OK)
