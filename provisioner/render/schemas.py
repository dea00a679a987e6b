"""Output of ``provisioner schema``: the schema text itself, or what was written where; or the JSON listing."""

from __future__ import annotations

import json

from provisioner.commands.schema import SchemaResult
from provisioner.render.console import stderr_console, stdout_console
from provisioner.render.document import print_document
from provisioner.render.formats import OutputFormat


def render_listing(result: SchemaResult) -> None:
    """``{"format_version", "schemas": [{"name", "file_name", "path", "schema"}]}``: ``schema`` is the document
    itself (null when written to ``path``)."""
    written = {p.name: str(p) for p in result.written}
    print_document({"schemas": [
        {"name": doc.name, "file_name": doc.file_name, "path": written.get(doc.file_name),
         "schema": None if result.written else json.loads(doc.text)} for doc in result.documents]})


def print_schemas(result: SchemaResult, fmt: OutputFormat = OutputFormat.HUMAN) -> None:
    if fmt == OutputFormat.JSON:
        render_listing(result)
        return
    if result.written:
        console = stderr_console()
        for path in result.written:
            console.print(f"wrote {path}", highlight=False)
        return
    if len(result.documents) == 1:
        stdout_console().out(result.documents[0].text.rstrip("\n"), highlight=False)
        return
    combined = {doc.file_name: json.loads(doc.text) for doc in result.documents}
    stdout_console().out(json.dumps(combined, indent=2), highlight=False)
