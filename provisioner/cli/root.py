"""The Typer application object that every command module registers on (when it is imported: lazily)."""

from __future__ import annotations

import typer

from provisioner import __version__
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.lazy import LazyGroup

app = typer.Typer(
    name="provisioner",
    cls=LazyGroup,  # each command's module is imported when that command runs (provisioner/cli/registry.py)
    help="Config-as-code for integration connections: validate, plan, test and apply.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"provisioner {__version__}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Config-as-code for integration connections."""
