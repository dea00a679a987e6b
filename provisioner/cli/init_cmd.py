"""``provisioner init [DIR]``: scaffold a working repository."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.root import app
from provisioner.commands.init import init_project
from provisioner.render.init import InitFormat, print_init


@app.command("init")
def init_command(
    directory: Annotated[Path, typer.Argument(help="Directory to scaffold (created if missing).")] = Path("."),
    age_recipient: Annotated[list[str] | None, typer.Option(
        "--age-recipient", help="Encrypt for this age recipient (repeatable); no key is generated for it.",
    )] = None,
    key_file: Annotated[Path | None, typer.Option(
        "--key-file", help="age identity to use, or to create (0600) if missing. "
        "Default when no recipient is given: ~/.config/provisioner/age/<project>.agekey",
    )] = None,
    fmt: Annotated[str, typer.Option("--format", help="human | json")] = "human",
) -> None:
    """Create provisioner.yaml, .sops.yaml, an age key and an encrypted example connection; overwrite nothing."""
    if fmt not in ("human", "json"):
        raise typer.BadParameter("must be human or json", param_hint="--format")
    view: InitFormat = "json" if fmt == "json" else "human"
    result = init_project(directory, age_recipients=age_recipient or (), key_file=key_file)
    print_init(result, view)
    raise typer.Exit(ExitCode.ERROR if result.diagnostics.has_errors else ExitCode.OK)
