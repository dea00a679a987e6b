"""Consoles for stdout and stderr: colour only on a TTY, ``NO_COLOR`` respected."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def _colour_allowed(stream_isatty: bool) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return stream_isatty


def stdout_console() -> Console:
    tty = sys.stdout.isatty()
    return Console(
        file=sys.stdout, no_color=not _colour_allowed(tty), highlight=False, soft_wrap=True,
        force_terminal=None if tty else False,
    )


def stderr_console() -> Console:
    tty = sys.stderr.isatty()
    return Console(
        file=sys.stderr, no_color=not _colour_allowed(tty), highlight=False, soft_wrap=True,
        force_terminal=None if tty else False,
    )
