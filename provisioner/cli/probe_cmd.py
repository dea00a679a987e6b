"""``provisioner test``: test connections (from the declarations or the state), one line each."""

from __future__ import annotations

from typing import Annotated

import typer

from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.options import HUMAN_JSON, ParallelismOpt, PathsArg, WorkspaceOpt, format_option
from provisioner.cli.root import app
from provisioner.commands.locations import declaration_locations
from provisioner.commands.probe import run_probes
from provisioner.commands.probe_sources import Source, load_connections
from provisioner.config import DEFAULT_PARALLELISM, load_config
from provisioner.render.formats import OutputFormat
from provisioner.render.github_ci import render_probe_github
from provisioner.render.probe import print_report


@app.command("test")
def test_command(
    *,
    names: Annotated[list[str] | None, typer.Argument(
        metavar="NAME", help="Connections to test (default: all).", show_default=False)] = None,
    source: Annotated[Source, typer.Option(
        "--from", metavar="files|state", help="Test the declarations (files) or the state.")] = Source.FILES,
    paths: PathsArg = None,
    parallelism: ParallelismOpt = DEFAULT_PARALLELISM,
    fmt: Annotated[OutputFormat, format_option(*HUMAN_JSON, OutputFormat.GITHUB)] = OutputFormat.HUMAN,
    workspace: WorkspaceOpt = None,
) -> None:
    """Test connections: a signed GET of each ping path; exit 1 if any fails."""
    fmt = view.choose(fmt)
    config = load_config(require_project=source is Source.STATE or not paths)  # `test --path P` needs none
    connections, agents = load_connections(source, config, paths or list(config.paths), workspace)
    report = run_probes(connections, agents, names=names or (), parallelism=parallelism)
    if fmt is OutputFormat.GITHUB:
        render_probe_github(report, declaration_locations(config, paths or ()))
    else:
        print_report(report, fmt)
    raise typer.Exit(ExitCode.OK if report.ok else ExitCode.ERROR)
