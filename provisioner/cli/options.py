"""Options shared by several commands, so they read and behave the same everywhere.

``-f/--format``, ``-w/--workspace`` and ``-p/--parallelism`` (1-64) mean the same on every command that
has them; ``--path`` has no short flag. Every option names its metavar, so ``--help`` shows no Python type.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from provisioner.render.formats import OutputFormat, choices_text, parse_format

MIN_PARALLELISM, MAX_PARALLELISM = 1, 64

PathsArg = Annotated[list[Path] | None, typer.Option(
    "--path", metavar="PATH",
    help="Declaration file or directory; repeatable (default: `paths` of provisioner.yaml, else connections/).",
    show_default=False)]
WorkspaceOpt = Annotated[str | None, typer.Option(
    "--workspace", "-w", metavar="NAME",
    help="Workspace (default: PROVISIONER_WORKSPACE, else provisioner.yaml, else default).", show_default=False)]
TargetOpt = Annotated[list[str] | None, typer.Option(
    "--target", "-t", metavar="NAME", help="Only this resource (name or address); repeatable.", show_default=False)]
ParallelismOpt = Annotated[int, typer.Option(
    "--parallelism", "-p", metavar="N", min=MIN_PARALLELISM, max=MAX_PARALLELISM,
    help="Files decrypted / connections tested at once.")]
LockTimeoutOpt = Annotated[float, typer.Option(
    "--lock-timeout", metavar="SECONDS", min=0, help="Seconds to wait for the workspace lease held by another run.")]


def _parser(accepted: tuple[OutputFormat, ...]) -> Callable[[str], OutputFormat]:
    def parse(value: str) -> OutputFormat:
        if isinstance(value, OutputFormat):  # the default, already parsed
            return value
        try:
            return parse_format(value, accepted)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None

    return parse


def format_option(*accepted: OutputFormat, what: str = "") -> Any:
    """``-f/--format`` accepting only ``accepted`` (the first is the default); any other is a usage error."""
    listed = choices_text(accepted)
    return typer.Option("--format", "-f", metavar=listed, parser=_parser(accepted), show_default=False,
                        help=f"Output: {listed} (default {accepted[0].value}){what}.")


HUMAN_JSON = (OutputFormat.HUMAN, OutputFormat.JSON)
