"""``provisioner init [DIR]``: scaffold a working repository."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.options import HUMAN_JSON, format_option
from provisioner.cli.root import app
from provisioner.commands.init import init_project
from provisioner.render.formats import OutputFormat
from provisioner.render.init import print_init


@app.command("init")
def init_command(
    directory: Annotated[Path, typer.Argument(
        metavar="DIR", help="Directory to scaffold (created if missing).", show_default=False)] = Path("."),
    age_recipient: Annotated[list[str] | None, typer.Option(
        "--age-recipient", metavar="RECIPIENT",
        help="Encrypt for this age recipient (repeatable); no key is generated for it.",
    )] = None,
    key_file: Annotated[Path | None, typer.Option(
        "--key-file", metavar="PATH", help="age identity to use, or to create (0600) if missing. "
        "Default when no recipient is given: ~/.config/provisioner/age/<project>.agekey",
    )] = None,
    sandbox: Annotated[bool, typer.Option(
        "--sandbox", help="Point the example at a local sandbox that knows its credentials, and print the "
        "command that starts it: the first apply works with no Magento.")] = False,
    sandbox_port: Annotated[int, typer.Option(
        "--sandbox-port", metavar="PORT", min=0, max=65535,
        help="With --sandbox: the sandbox's port (default: one that is free now).")] = 0,
    fmt: Annotated[OutputFormat, format_option(*HUMAN_JSON)] = OutputFormat.HUMAN,
) -> None:
    """Create provisioner.yaml, .sops.yaml, an age key and an encrypted example connection; overwrite nothing."""
    fmt = view.choose(fmt)
    result = init_project(directory, age_recipients=age_recipient or (), key_file=key_file,
                          sandbox_port=sandbox_port if sandbox else None)
    print_init(result, fmt)
    raise typer.Exit(ExitCode.ERROR if result.diagnostics.has_errors else ExitCode.OK)
