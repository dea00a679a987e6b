"""``provisioner test``: test connections (from the declarations or the state), one line each."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.root import app
from provisioner.commands.test import run_connection_tests
from provisioner.commands.test_sources import Source, load_connections
from provisioner.config import DEFAULT_PARALLELISM, load_config
from provisioner.render.probe import ProbeFormat, print_report


@app.command("test")
def test_command(
    *,
    names: Annotated[list[str] | None, typer.Argument(
        metavar="[NAME]...", help="Connections to test (default: all).")] = None,
    source: Annotated[Source, typer.Option(
        "--from", help="Test the declarations (files) or the state.")] = Source.FILES,
    paths: Annotated[list[Path] | None, typer.Option(
        "--path", help="Declaration files or folders (default: the paths in provisioner.yaml).")] = None,
    parallelism: Annotated[int, typer.Option(
        "--parallelism", "-j", min=1, max=256, help="How many connections to test at once.")] = DEFAULT_PARALLELISM,
    fmt: Annotated[str, typer.Option("--format", help="human or json.")] = "human",
    workspace: Annotated[str | None, typer.Option(
        "--workspace", help="State workspace (default: from settings).")] = None,
) -> None:
    """Test connections: a signed GET of each ping path; exit 1 if any fails."""
    if fmt not in ("human", "json"):
        raise typer.BadParameter("use human or json", param_hint="--format")
    view: ProbeFormat = "json" if fmt == "json" else "human"
    config = load_config(require_project=source is Source.STATE or not paths)  # `test --path P` needs none
    connections, agents = load_connections(source, config, paths or list(config.paths), workspace)
    report = run_connection_tests(connections, agents, names=names or (), parallelism=parallelism)
    print_report(report, view)
    raise typer.Exit(ExitCode.OK if report.ok else ExitCode.ERROR)
