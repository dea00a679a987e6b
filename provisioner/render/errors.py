"""Rendering of errors at the CLI boundary (human on stderr, or one JSON document on stdout), and crash reports."""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from rich.markup import escape

from provisioner.diagnostics import Diagnostic, Severity
from provisioner.errors import ProvisionerError
from provisioner.render.annotations import github_escape
from provisioner.render.console import stderr_console, stdout_console
from provisioner.render.diagnostics import render_github, render_human
from provisioner.render.document import print_document
from provisioner.render.formats import OutputFormat
from provisioner.render.gitlab import code_quality_text


def error_payload(code: str, message: str, hint: str | None = None, diagnostics: list[Diagnostic] | None = None,
                  **extra: Any) -> dict[str, Any]:
    """The ``error`` document of docs/json.md."""
    error: dict[str, Any] = {"code": code, "message": message, "hint": hint,
                             "diagnostics": [d.to_dict() for d in diagnostics or ()], **extra}
    return {"error": error}


def print_error(error: ProvisionerError) -> None:
    console = stderr_console()
    console.print(f"[bold red]error[/bold red]{escape(f'[{error.code}]')}: {escape(error.message)}")
    if error.hint:
        console.print(f"  [cyan]hint:[/cyan] {escape(error.hint)}")


def render_error(error: ProvisionerError, fmt: OutputFormat, diagnostics: list[Diagnostic] | None = None) -> None:
    """An error the user can act on, in the chosen view: diagnostics first (human), or all in one document."""
    if fmt is OutputFormat.JSON:
        print_document(error_payload(error.code, error.message, error.hint, diagnostics))
        return
    if fmt is OutputFormat.GITHUB:  # annotations on the run, as validate's own findings are
        render_github(diagnostics or ())
        message = error.message + (f" (hint: {error.hint})" if error.hint else "")
        stdout_console().out(f"::error title={github_escape(error.code, prop=True)}::{github_escape(message)}",
                             highlight=False)
    if fmt is OutputFormat.GITLAB:  # still a report GitLab can read: the error is its last issue
        failure = Diagnostic(Severity.ERROR, error.code, error.message, error.hint)
        stdout_console().out(code_quality_text([*(diagnostics or ()), failure]), highlight=False)
    if diagnostics:
        render_human(diagnostics, stderr_console())
    print_error(error)


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


def internal_error_message(exc: BaseException) -> str:
    """The exception's type and where it was raised; never its message (it could hold a secret)."""
    where = traceback.extract_tb(exc.__traceback__)
    at = f" at {Path(where[-1].filename).name}:{where[-1].lineno}" if where else ""
    return f"{type(exc).__name__}{at} (this is a bug)"


def render_internal_error(exc: BaseException, report: Path, fmt: OutputFormat) -> None:
    message = internal_error_message(exc)
    if fmt is OutputFormat.JSON:
        print_document(error_payload("internal", f"internal error: {message}", f"full report: {report}",
                                     crash_report=str(report)))
        return
    console = stderr_console()
    console.print(f"[bold red]internal error[/bold red]: {escape(message)}")
    console.print(f"  full report: {escape(str(report))}")
