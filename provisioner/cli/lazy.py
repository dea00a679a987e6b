"""The root command group, lazy: it knows every command by name and summary (``registry.COMMANDS``) and
imports a command's module only when the command is looked up to run or to show its own help.

``commands`` is a mapping whose keys are every registered name and whose values are built on first
access, so anything that walks the tree (completion, the tests' tables) still sees every command; the
root's ``--help`` lists them from the summaries alone, the way click shortens a command's help.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Any

import typer.main
from typer._click.core import Command, Context
from typer._click.formatting import HelpFormatter
from typer._click.utils import make_default_short_help
from typer.core import TyperArgument, TyperGroup

from provisioner.cli.registry import COMMANDS


class _Argument(TyperArgument):
    """A positional argument as ``--help`` shows it: its metavar only, no Python type (``<list[str]>``)."""

    def display_type_rich(self, ctx: typer.Context) -> str | None:  # type: ignore[override]
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")


def plain_arguments(command: Command) -> Command:
    """``command`` and its sub-commands with arguments shown by metavar only."""
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.__class__ = _Argument
    for sub in getattr(command, "commands", {}).values():
        plain_arguments(sub)
    return command


def load(name: str) -> Command:
    """Import the module of command ``name`` (it registers on the root app) and build its click command."""
    from provisioner.cli.root import app  # noqa: PLC0415 - root imports this module

    importlib.import_module(f"provisioner.cli.{COMMANDS[name].module}")
    short, markup = app.pretty_exceptions_short, app.rich_markup_mode
    for info in app.registered_commands:
        if info.name == name:
            return plain_arguments(typer.main.get_command_from_info(
                info, pretty_exceptions_short=short, rich_markup_mode=markup))
    for group in app.registered_groups:
        if group.name == name:
            return plain_arguments(typer.main.get_group_from_info(
                group, pretty_exceptions_short=short, rich_markup_mode=markup, suggest_commands=app.suggest_commands))
    raise LookupError(f"provisioner.cli.{COMMANDS[name].module} registers no command {name!r}")


class LazyCommands(MutableMapping[str, Command]):
    """Every registered command by name, each built on first access; commands added directly come after."""

    def __init__(self, built: MutableMapping[str, Command]) -> None:
        # typer builds every command already registered (its module imported earlier in this process)
        self._built = {name: plain_arguments(command) for name, command in built.items()}

    def __getitem__(self, name: str) -> Command:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            self._built[name] = load(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self._built if name not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS) + sum(1 for name in self._built if name not in COMMANDS)


class LazyGroup(TyperGroup):
    """The root group: commands from ``LazyCommands``; its own help from the registry's summaries."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(self.commands)

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        names = list(self.commands)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            entry = COMMANDS.get(name)
            if entry is None:  # added directly, not through the registry: built already
                command = self.commands[name]
                if not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
            else:
                rows.append((name, make_default_short_help(entry.summary, limit).strip()))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
