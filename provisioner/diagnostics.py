"""Diagnostics: what a user did wrong, where, and what to do about it.

Every stage accumulates diagnostics instead of stopping at the first problem, so one
bad file never hides the others. Rendering lives in ``provisioner.render``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True, slots=True)
class SourceRange:
    """A position in a source file; line and column are 1-based."""

    file: str
    line: int = 0
    column: int = 0
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    hint: str | None = None
    source: SourceRange | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        src = self.source
        if src is None:
            return ("", 0, 0, self.code)
        return (src.file, src.line, src.column, self.code)

    def to_dict(self) -> dict[str, object]:
        src = self.source
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "file": src.file if src else None,
            "line": src.line if src and src.line > 0 else None,
            "column": src.column if src and src.line > 0 else None,
        }


@dataclass
class Diagnostics:
    """An ordered, de-duplicated collection of diagnostics."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        if diagnostic not in self.items:
            self.items.append(diagnostic)

    def error(
        self, code: str, message: str, *, hint: str | None = None, source: SourceRange | None = None
    ) -> None:
        self.add(Diagnostic(Severity.ERROR, code, message, hint, source))

    def warning(
        self, code: str, message: str, *, hint: str | None = None, source: SourceRange | None = None
    ) -> None:
        self.add(Diagnostic(Severity.WARNING, code, message, hint, source))

    def extend(self, others: Iterable[Diagnostic]) -> None:
        for d in others:
            self.add(d)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=Diagnostic.sort_key)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
