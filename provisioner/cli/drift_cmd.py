"""``provisioner drift``: exit 0 in sync, 2 drift found, 1 errors — or part of the remote side unread.

With nothing drifted but part of the remote side unreadable (a record's read-back, or the account's
listing for ``--all-remote``, failed), "in sync" cannot be said: exit 1, the report still printed.
"""

from __future__ import annotations

from typing import Annotated

import typer

from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.options import ParallelismOpt, PathsArg, WorkspaceOpt, format_option
from provisioner.cli.root import app
from provisioner.commands.drift import run_drift
from provisioner.commands.locations import declaration_locations
from provisioner.config import DEFAULT_PARALLELISM, load_config
from provisioner.render.drift import print_drift
from provisioner.render.formats import OutputFormat

DRIFT_FORMATS = (OutputFormat.HUMAN, OutputFormat.JSON, OutputFormat.MARKDOWN, OutputFormat.GITHUB)


@app.command("drift")
def drift_command(
    *,
    names: Annotated[list[str] | None, typer.Argument(
        metavar="NAME", help="Connections or agents to check (name or address; default: all).",
        show_default=False)] = None,
    fmt: Annotated[OutputFormat, format_option(*DRIFT_FORMATS)] = OutputFormat.HUMAN,
    no_test: Annotated[bool, typer.Option(
        "--no-test", help="Skip the live tests with the credentials sealed in the state.")] = False,
    all_remote: Annotated[bool, typer.Option(
        "--all-remote", help="Also list the remote side's connections that no declaration manages "
                             "(undeclared-remote; read-back targets only).")] = False,
    paths: PathsArg = None,
    parallelism: ParallelismOpt = DEFAULT_PARALLELISM,
    workspace: WorkspaceOpt = None,
) -> None:
    """Compare files, state, live systems and the remote side; record the result. Needs no SOPS key."""
    fmt = view.choose(fmt)
    config = load_config(require_project=True)
    report = run_drift(config, names=names or (), paths=paths or (), workspace=workspace, test=not no_test,
                       parallelism=parallelism, all_remote=all_remote)
    locations = declaration_locations(config, paths or ()) if fmt is OutputFormat.GITHUB else {}
    print_drift(report, fmt, locations)
    if report.drifted:
        raise typer.Exit(ExitCode.CHANGES)
    raise typer.Exit(ExitCode.OK if report.complete else ExitCode.ERROR)
