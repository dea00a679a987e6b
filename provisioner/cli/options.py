"""Options shared by several commands, so they read and behave the same everywhere."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

PathsArg = Annotated[list[Path] | None, typer.Option(
    "--path", "-p", help="Declaration files or directories (default: `paths` of provisioner.yaml, else connections/).",
    show_default=False)]
WorkspaceOpt = Annotated[str | None, typer.Option(
    "--workspace", "-w", help="Workspace (default: provisioner.yaml or PROVISIONER_WORKSPACE).", show_default=False)]
TargetOpt = Annotated[list[str] | None, typer.Option(
    "--target", "-t", help="Only this connection (name or address); repeatable.", show_default=False)]
ParallelismOpt = Annotated[int, typer.Option(
    "--parallelism", min=1, max=64, help="Files decrypted / connections tested at once.")]


class ReportFormat(StrEnum):
    HUMAN = "human"
    JSON = "json"


class PlanFormat(StrEnum):
    HUMAN = "human"
    JSON = "json"
    MARKDOWN = "markdown"
