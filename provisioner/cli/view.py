"""The view of this run, chosen before any work starts, so every exit path (errors too) renders through it.

The boundary presets it from argv (a usage error can happen before any command runs); each command then
sets it from its parsed ``--format`` as its first act.
"""

from __future__ import annotations

from collections.abc import Sequence

from provisioner.render.formats import OutputFormat

_current: list[OutputFormat] = [OutputFormat.HUMAN]


def sniff_format(args: Sequence[str]) -> OutputFormat:
    """``--format json``, ``--format=json``, ``-f json`` or ``-fjson`` in argv: JSON; anything else: human."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg in ("--format", "-f"):
            value = args[i + 1] if i + 1 < len(args) else ""
        elif arg.startswith("--format="):
            value = arg.partition("=")[2]
        elif arg.startswith("-f") and not arg.startswith("--"):
            value = arg[2:]
        else:
            continue
        return OutputFormat.JSON if value == OutputFormat.JSON.value else OutputFormat.HUMAN
    return OutputFormat.HUMAN


def choose(fmt: OutputFormat) -> OutputFormat:
    """Make ``fmt`` the view of this run (errors included); returns it."""
    _current[0] = fmt
    return fmt


def current() -> OutputFormat:
    return _current[0]
