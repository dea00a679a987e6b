"""Run one ``provisioner`` command in a child process and read its JSON document (docs/json.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Variables that hold a CI platform's API token: never handed to the provisioner child process.
TOKEN_VARIABLES = ("GITHUB_TOKEN", "INPUT_TOKEN", "GITLAB_TOKEN", "PROVISIONER_GITLAB_TOKEN", "CI_JOB_TOKEN")


@dataclass(frozen=True)
class CommandRun:
    """What one ``provisioner … --format json`` run gave: its exit code and its document."""

    argv: tuple[str, ...]
    exit_code: int
    document: dict[str, Any] = field(default_factory=dict)
    stderr: str = ""

    @property
    def error(self) -> dict[str, Any] | None:
        """The error object of an error document (docs/json.md, "Errors"), or ``None``."""
        value = self.document.get("error")
        return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Counts:
    """What a plan would do, as the plan document's ``summary`` counts it."""

    create: int = 0
    update: int = 0
    delete: int = 0
    has_changes: bool = False

    @classmethod
    def of_plan(cls, document: Mapping[str, Any]) -> Counts:
        summary = document.get("summary") or {}
        return cls(int(summary.get("create", 0)), int(summary.get("update", 0)), int(summary.get("delete", 0)),
                   bool(document.get("has_changes", False)))


def child_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for the provisioner child: the job's, without API tokens, without colour."""
    env = {k: v for k, v in (os.environ if environ is None else environ).items() if k not in TOKEN_VARIABLES}
    env["NO_COLOR"] = "1"
    return env


def run_provisioner(args: Sequence[str], *, cwd: Path, environ: Mapping[str, str] | None = None) -> CommandRun:
    """``provisioner ARGS --format json`` with this interpreter; stderr is passed through to the job log."""
    argv = (sys.executable, "-m", "provisioner", *args, "--format", "json")
    done = subprocess.run(argv, cwd=cwd, env=child_env(environ), capture_output=True, text=True, check=False)
    if done.stderr:
        sys.stderr.write(done.stderr)
    try:
        document = json.loads(done.stdout) if done.stdout.strip() else {}
    except json.JSONDecodeError:
        document = {}
    return CommandRun(tuple(args), done.returncode, document if isinstance(document, dict) else {}, done.stderr)
