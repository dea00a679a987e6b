"""Output of ``provisioner schema``: the schema text itself, or what was written where."""

from __future__ import annotations

import json

from provisioner.commands.schema import SchemaResult
from provisioner.render.console import stderr_console, stdout_console


def print_schemas(result: SchemaResult) -> None:
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
