"""Diagnostics as a person reads them (with the offending line), as JSON, or as GitHub annotations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rich.console import Console
from rich.markup import escape

from provisioner.applications.registry import secret_field_names
from provisioner.declarations.excerpts import masked_line
from provisioner.diagnostics import Diagnostic, Diagnostics, Severity
from provisioner.render.annotations import annotation
from provisioner.render.console import stderr_console, stdout_console
from provisioner.render.document import print_document

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


# A plaintext secret in a file must not travel further (CI logs) through the excerpt shown.
@lru_cache(maxsize=8)
def _secret_value(fields: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        r"(?P<key>\b(?:" + "|".join(fields) + r")[\"']?\s*:\s*)"
        r"(?P<value>\"[^\"]*\"?|'[^']*'?|ENC\[[^\]]*\]?|[^\s,}\]#][^,}\]#]*?)(?=\s*(?:[,}\]#]|$))"
    )
_KEPT = ("|", ">", "|-", ">-", "|+", ">+", "null", "~")
EXCERPT_WIDTH = 160


def redact_secrets(line: str) -> str:
    """``consumerSecret: hunter2`` → ``consumerSecret: ***``; SOPS ``ENC[...]`` values are kept."""

    def mask(match: re.Match[str]) -> str:
        value = match.group("value").strip("\"'")
        if value.startswith("ENC[") or value in _KEPT:
            return match.group(0)
        return match.group("key") + "***"

    return _secret_value(secret_field_names()).sub(mask, line)


def _excerpt(d: Diagnostic) -> list[str]:
    """The offending line of a declaration file, secrets masked by position (``excerpts``), then by
    pattern as a second guard; nothing for any file that was not parsed as a declaration."""
    src = d.source
    if src is None or src.line <= 0:
        return []
    found = masked_line(src.file, src.line, src.column)
    if found is None:
        return []
    text, column = found
    if len(text) > EXCERPT_WIDTH:  # a window around the caret: a 20,000-character line helps nobody
        start = max(0, min(column - 1 - EXCERPT_WIDTH // 3, len(text) - EXCERPT_WIDTH))
        left, right = ("…" if start else ""), ("…" if start + EXCERPT_WIDTH < len(text) else "")
        text, column = left + text[start:start + EXCERPT_WIDTH] + right, column - start + len(left)
    text = redact_secrets(text)
    gutter = f"{src.line:>4} | "
    caret = " " * (len(gutter) + max(column - 1, 0)) + "^"
    return [gutter + text, caret]


def summary_line(diagnostics: Diagnostics, files: int | None = None) -> str:
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    checked = f" in {files} file{'s' if files != 1 else ''}" if files is not None else ""
    return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}{checked}"


def render_human(diagnostics: Iterable[Diagnostic], console: Console | None = None) -> None:
    console = console or stdout_console()
    for d in diagnostics:
        where = f"{d.source}: " if d.source else ""
        style = _STYLE[d.severity]
        code = escape(f"[{d.code}]")  # literal brackets, not rich markup
        console.print(f"{escape(where)}[{style}]{d.severity.value}[/{style}]{code}: {escape(d.message)}",
                      highlight=False)
        for line in _excerpt(d):
            console.print(escape(line), style="dim", highlight=False)
        if d.hint:
            console.print(f"  [cyan]hint:[/cyan] {escape(d.hint)}", highlight=False)


def render_github(diagnostics: Iterable[Diagnostic]) -> None:
    console = stdout_console()
    for d in diagnostics:
        level = {"error": "error", "warning": "warning", "info": "notice"}[d.severity.value]
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        console.out(annotation(level, message, title=d.code, source=d.source), highlight=False)


def render_json(diagnostics: Diagnostics, extra: dict[str, object] | None = None) -> None:
    payload: dict[str, object] = {
        "valid": not diagnostics.has_errors,
        "errors": len(diagnostics.errors),
        "warnings": len(diagnostics.warnings),
        "diagnostics": [d.to_dict() for d in diagnostics.sorted()],
    }
    if extra:
        payload.update(extra)
    print_document(payload)


def print_summary(diagnostics: Diagnostics, files: int | None = None) -> None:
    stderr_console().print(summary_line(diagnostics, files))
