"""Rendering of errors at the CLI boundary, and of internal-error reports."""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from pathlib import Path

from rich.markup import escape

from provisioner.errors import ProvisionerError
from provisioner.render.console import stderr_console


def print_error(error: ProvisionerError) -> None:
    console = stderr_console()
    console.print(f"[bold red]error[/bold red]{escape(f'[{error.code}]')}: {escape(error.message)}")
    if error.hint:
        console.print(f"  [cyan]hint:[/cyan] {escape(error.hint)}")


def write_crash_report(exc: BaseException) -> Path:
    """Write the stack of an unexpected exception to a private file and return its path.

    Only the exception type and the stack (file, line, function, source line) are written:
    an exception's message could, through a bug, hold a secret value, so it is left out.
    """
    lines = [f"provisioner internal error: {type(exc).__module__}.{type(exc).__qualname__}\n"]
    for frame in traceback.extract_tb(exc.__traceback__):
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n')
        if frame.line:
            lines.append(f"    {frame.line}\n")
    fd, name = tempfile.mkstemp(prefix=f"provisioner-crash-{int(time.time())}-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.writelines(lines)
    return Path(name)


def print_internal_error(exc: BaseException, report: Path) -> None:
    console = stderr_console()
    where = traceback.extract_tb(exc.__traceback__)
    at = f" at {Path(where[-1].filename).name}:{where[-1].lineno}" if where else ""
    console.print(f"[bold red]internal error[/bold red]: {type(exc).__name__}{at} (this is a bug)")
    console.print(f"  full report: {report}")
