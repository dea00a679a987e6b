"""``provisioner validate`` and ``provisioner schema``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.root import app
from provisioner.commands.schema import export_schemas
from provisioner.commands.validate import validate
from provisioner.render.diagnostics import print_summary, render_github, render_human, render_json
from provisioner.render.schemas import print_schemas


class DiagnosticsFormat(StrEnum):
    HUMAN = "human"
    JSON = "json"
    GITHUB = "github"


class SchemaKind(StrEnum):
    CONNECTION = "connection"
    AGENT = "agent"


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or directories (recursed for *.yaml, *.yml). Default: `paths` of provisioner.yaml, "
        "else connections/.", show_default=False,
    )] = None,
    fmt: Annotated[DiagnosticsFormat, typer.Option(
        "--format", "-f", help="human, json (for machines) or github (workflow annotations)."
    )] = DiagnosticsFormat.HUMAN,
) -> None:
    """Check declarations against the JSON Schemas and the cross-file rules; no key needed.

    Exit 0 when valid (warnings allowed), 1 on any error.
    """
    result = validate(paths or ())
    ordered = result.diagnostics.sorted()
    if fmt is DiagnosticsFormat.JSON:
        render_json(result.diagnostics, extra={
            "files": [str(f) for f in result.files],
            "declarations": [d.address for d in result.declarations],
        })
    elif fmt is DiagnosticsFormat.GITHUB:
        render_github(ordered)
    else:
        render_human(ordered)
    print_summary(result.diagnostics, len(result.files))
    raise typer.Exit(ExitCode.OK if result.ok else ExitCode.ERROR)


@app.command("schema")
def schema_command(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write <kind>.schema.json files into this directory.")
    ] = None,
    kind: Annotated[SchemaKind | None, typer.Option("--kind", help="Only this schema (default: all).")] = None,
) -> None:
    """Print or write the JSON Schemas of the declarations (for editors and other tools)."""
    print_schemas(export_schemas(kind.value if kind else None, out))
