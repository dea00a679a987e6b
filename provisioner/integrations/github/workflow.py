"""Workflow commands, step outputs and the job summary, as https://docs.github.com/actions/reference/workflow-commands-for-github-actions
documents them: ``::error file=…,line=…,col=…,title=…::message`` on stdout, ``name=value`` lines (or a
``name<<DELIMITER`` block) appended to ``$GITHUB_OUTPUT``, markdown appended to ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

from provisioner.render.diagnostics import github_escape


def annotation(level: str, message: str, *, title: str | None = None, file: str | None = None,
               line: int | None = None, col: int | None = None) -> str:
    props = []
    if file:
        props.append(f"file={github_escape(file, prop=True)}")
        if line:
            props.append(f"line={line}")
            if col:
                props.append(f"col={col}")
    if title:
        props.append(f"title={github_escape(title, prop=True)}")
    return f"::{level} {','.join(props)}::{github_escape(message)}" if props else f"::{level}::{github_escape(message)}"


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
