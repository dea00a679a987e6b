"""``provisioner validate`` and ``provisioner schema``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from provisioner.cli import view
from provisioner.cli.exit_codes import ExitCode
from provisioner.cli.options import HUMAN_JSON, PathsArg, format_option
from provisioner.cli.root import app
from provisioner.commands.schema import export_schemas
from provisioner.commands.validate import validate
from provisioner.render.diagnostics import print_summary, render_github, render_human, render_json
from provisioner.render.formats import OutputFormat
from provisioner.render.gitlab import render_gitlab
from provisioner.render.schemas import print_schemas

VALIDATE_FORMATS = (OutputFormat.HUMAN, OutputFormat.JSON, OutputFormat.GITHUB, OutputFormat.GITLAB)


class SchemaKind(StrEnum):
    CONNECTION = "connection"
    AGENT = "agent"
    PROJECT = "provisioner"  # provisioner.yaml


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="PATH", help="Files or directories (recursed for *.yaml, *.yml). Default: `paths` of "
        "provisioner.yaml, else connections/.", show_default=False,
    )] = None,
    path_opts: PathsArg = None,
    fmt: Annotated[OutputFormat, format_option(
        *VALIDATE_FORMATS, what="; github: workflow annotations; gitlab: a code-quality report")] = OutputFormat.HUMAN,
    decrypt: Annotated[bool, typer.Option(
        "--decrypt", help="Also decrypt the secrets with sops and check their values (needs the age key).",
    )] = False,
) -> None:
    """Check declarations against the JSON Schemas and the cross-file rules; no key needed.

    With --decrypt (and no structural error), also decrypt the secrets and check their values.
    Exit 0 when valid (warnings allowed), 1 on any error.
    """
    fmt = view.choose(fmt)
    result = validate([*(paths or ()), *(path_opts or ())], decrypt=decrypt)
    ordered = result.diagnostics.sorted()
    if fmt is OutputFormat.JSON:
        render_json(result.diagnostics, extra={
            "files": [str(f) for f in result.files],
            "declarations": [d.address for d in result.declarations],
            "decrypted": result.decrypted,
        })
    elif fmt is OutputFormat.GITHUB:
        render_github(ordered)
    elif fmt is OutputFormat.GITLAB:
        render_gitlab(ordered)
    else:
        render_human(ordered)
    print_summary(result.diagnostics, len(result.files))
    raise typer.Exit(ExitCode.OK if result.ok else ExitCode.ERROR)


@app.command("schema")
def schema_command(
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", help="Write <kind>.schema.json files into this directory.")] = None,
    kind: Annotated[SchemaKind | None, typer.Option(
        "--kind", metavar="connection|agent|provisioner",
        help="Only this schema (provisioner: the one of provisioner.yaml; default: all).")] = None,
    fmt: Annotated[OutputFormat, format_option(
        *HUMAN_JSON, what="; human: the schema itself, json: a listing of the schemas")] = OutputFormat.HUMAN,
) -> None:
    """Print or write the JSON Schemas of the declarations and of provisioner.yaml (for editors and other tools)."""
    fmt = view.choose(fmt)
    print_schemas(export_schemas(kind.value if kind else None, out), fmt)
