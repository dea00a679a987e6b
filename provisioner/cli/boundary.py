"""The one boundary: run the command tree on argv and turn every way out into a view and an exit code.

Usage errors (unknown flag or command, bad choice or value, missing argument, no command) exit 1,
like every other error; ``--help`` exits 0; 2 only ever means changes or drift; 3 a bug (docs/cli.md).
"""

from __future__ import annotations

import signal
from collections.abc import Sequence

import typer
from typer._click.core import Command
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError  # vendored click: here, lazy.py
from typer.core import TyperGroup

from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.root import app
from provisioner.errors import Interrupted, InvalidInputError, ProvisionerError

PROG = "provisioner"


def build_command() -> Command:
    """The command tree of ``app``: the root group, each command built when first looked up (``cli/lazy.py``)."""
    return typer.main.get_command(app)


def _help_hint(exc: UsageError) -> str:
    path = exc.ctx.command_path if exc.ctx is not None else PROG
    return f"Try '{path} --help' for help."


def usage_error(exc: ClickException) -> ProvisionerError:
    """A framework error as a ``ProvisionerError`` with code ``usage``: one line, and where to get help."""
    if isinstance(exc, NoArgsIsHelpError):
        command = exc.ctx.command
        names = ", ".join(command.list_commands(exc.ctx)) if isinstance(command, TyperGroup) else ""
        return ProvisionerError(f"missing command (one of: {names})", code="usage", hint=_help_hint(exc))
    if isinstance(exc, UsageError):
        return ProvisionerError(exc.format_message(), code="usage", hint=_help_hint(exc))
    return ProvisionerError(exc.format_message(), code="error")


def run(args: Sequence[str]) -> int:
    """Run ``provisioner ARGS`` and return the exit code; everything that goes wrong is rendered first."""
    view.choose(view.sniff_format(args))
    command = build_command()
    try:
        result = command.main(args=list(args), prog_name=PROG, standalone_mode=False)
        return int(result) if isinstance(result, int) else ExitCode.OK  # an Exit's code, or a normal return
    except KeyboardInterrupt:
        return 130
    except (Exception, Interrupted) as exc:
        return _failed(exc)


def _failed(exc: Exception | Interrupted) -> int:
    """Render how the run failed and return its exit code."""
    # The error renderers (rich, the diagnostics) load only on a way out through an error: start-up, issue 16.
    from provisioner.render.errors import render_error, render_internal_error, write_crash_report  # noqa: PLC0415

    if isinstance(exc, InvalidInputError):
        render_error(exc, view.current(), exc.diagnostics.sorted())
        return ExitCode.ERROR
    if isinstance(exc, ProvisionerError):
        render_error(exc, view.current())
        return exc.exit_code
    if isinstance(exc, ClickException):
        render_error(usage_error(exc), view.current())
        return ExitCode.ERROR
    if isinstance(exc, typer.Abort):
        render_error(ProvisionerError("aborted", code="aborted"), view.current())
        return ExitCode.ERROR
    if isinstance(exc, Interrupted):
        name = signal.Signals(exc.signum).name
        render_error(ProvisionerError(f"interrupted by {name}: stopped", code="interrupted",
                                      hint="what was already committed stays committed "
                                      "(see `provisioner state history`)"), view.current())
        return 128 + exc.signum
    report = write_crash_report(exc)
    render_internal_error(exc, report, view.current())
    return ExitCode.INTERNAL
