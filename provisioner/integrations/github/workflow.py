"""Workflow commands, step outputs and the job summary, as https://docs.github.com/actions/reference/workflow-commands-for-github-actions
documents them: ``::error file=…,line=…,col=…,title=…::message`` on stdout, ``name=value`` lines (or a
``name<<DELIMITER`` block) appended to ``$GITHUB_OUTPUT``, markdown appended to ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

from provisioner.diagnostics import SourceRange
from provisioner.render.annotations import annotation as render_annotation


def annotation(level: str, message: str, *, title: str | None = None, file: str | None = None,
               line: int | None = None, col: int | None = None) -> str:
    """The workflow command for a place a JSON document names (``file``, ``line``, ``column``)."""
    source = SourceRange(file, line or 0, col or 0) if file else None
    return render_annotation(level, message, title=title, source=source)


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def append_summary(path: Path | None, markdown: str) -> None:
    if path is None:
        return
    with path.open("a", encoding="utf-8") as out:
        out.write(markdown if markdown.endswith("\n") else markdown + "\n")


def set_outputs(path: Path | None, values: Mapping[str, str]) -> None:
    if path is None:
        return
    with path.open("a", encoding="utf-8") as out:
        for name, value in values.items():
            if "\n" in value:
                delimiter = f"EOF_{secrets.token_hex(8)}"
                out.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                out.write(f"{name}={value}\n")
