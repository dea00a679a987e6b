"""The one boundary: run the command tree on argv and turn every way out into a view and an exit code.

Usage errors (unknown flag or command, bad choice or value, missing argument, no command) exit 1,
like every other error; ``--help`` exits 0; 2 only ever means changes or drift; 3 a bug (docs/cli.md).
"""

from __future__ import annotations

import signal
from collections.abc import Sequence

import typer
from typer._click.core import Command
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError  # typer vendors click: only here
from typer.core import TyperArgument, TyperGroup

from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.root import app
from provisioner.errors import Interrupted, InvalidInputError, ProvisionerError
from provisioner.render.errors import render_error, render_internal_error, write_crash_report

PROG = "provisioner"


class _Argument(TyperArgument):
    """A positional argument as ``--help`` shows it: its metavar only, no Python type (``<list[str]>``)."""

    def display_type_rich(self, ctx: typer.Context) -> str | None:  # type: ignore[override]
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")


def _plain_arguments(command: Command) -> Command:
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.__class__ = _Argument
    for sub in getattr(command, "commands", {}).values():
        _plain_arguments(sub)
    return command


def build_command() -> Command:
    """The command tree of ``app``, with arguments shown by metavar only."""
    return _plain_arguments(typer.main.get_command(app))


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
    except InvalidInputError as exc:
        render_error(exc, view.current(), exc.diagnostics.sorted())
        return ExitCode.ERROR
    except ProvisionerError as exc:
        render_error(exc, view.current())
        return exc.exit_code
    except ClickException as exc:
        error = usage_error(exc)
        render_error(error, view.current())
        return ExitCode.ERROR
    except typer.Abort:
        render_error(ProvisionerError("aborted", code="aborted"), view.current())
        return ExitCode.ERROR
    except Interrupted as exc:
        name = signal.Signals(exc.signum).name
        render_error(ProvisionerError(f"interrupted by {name}: stopped", code="interrupted",
                                      hint="what was already committed stays committed "
                                      "(see `provisioner state history`)"), view.current())
        return 128 + exc.signum
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        report = write_crash_report(exc)
        render_internal_error(exc, report, view.current())
        return ExitCode.INTERNAL
