"""Consoles for stdout and stderr: colour only on a TTY; ``NO_COLOR`` and ``FORCE_COLOR`` respected.

- ``NO_COLOR`` (any non-empty value, https://no-color.org): no escape code at all — no colour, no
  bold or dim, no cursor movement (progress is printed as plain lines). It wins over everything.
- ``FORCE_COLOR`` (non-empty, not ``0``/``false``): colour even when the stream is not a terminal, for
  CI logs that render ANSI (GitHub Actions, GitLab). ``FORCE_COLOR=0`` turns colour off.
- Otherwise: colour when the stream is a terminal.
"""

from __future__ import annotations

import os
import sys
from typing import Literal, TextIO

from rich.console import Console

ColorSystem = Literal["standard", "256", "truecolor"]


def _forced() -> bool | None:
    """True: FORCE_COLOR asks for colour; False: NO_COLOR or FORCE_COLOR=0 forbids it; None: the TTY decides."""
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force is None or force == "":
        return None
    return force.strip().lower() not in ("0", "false", "no")


def _colour_system() -> ColorSystem:
    if os.environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "truecolor"
    return "256" if "256" in os.environ.get("TERM", "") else "standard"


def _console(stream: TextIO) -> Console:
    forced = _forced()
    if forced is False:  # plain text: rich writes no escape code when it has no colour system and no terminal
        return Console(file=stream, color_system=None, no_color=True, force_terminal=False, highlight=False,
                       soft_wrap=True)
    if forced is True:
        return Console(file=stream, color_system=_colour_system(), force_terminal=True, highlight=False,
                       soft_wrap=True)
    tty = stream.isatty()
    return Console(file=stream, highlight=False, soft_wrap=True, force_terminal=None if tty else False,
                   color_system="auto" if tty else None)


def stdout_console() -> Console:
    return _console(sys.stdout)


def stderr_console() -> Console:
    return _console(sys.stderr)
