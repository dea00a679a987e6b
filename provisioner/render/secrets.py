"""Output of ``provisioner secrets edit|updatekeys|rotate|encrypt``: one line a file, or the JSON document."""

from __future__ import annotations

from rich.markup import escape

from provisioner.commands.secrets_files import SecretsResult
from provisioner.paths import shown_path
from provisioner.render.console import stdout_console
from provisioner.render.document import print_document
from provisioner.render.formats import OutputFormat

_MARK = {"failed": "[red]failed[/red]", "unchanged": "[dim]unchanged[/dim]"}


def secrets_payload(result: SecretsResult) -> dict[str, object]:
    """``{"format_version", "command", "ok", "root", "files": [{"path", "status", "message", "exit_code"}],
    "notes"}``."""
    return {
        "command": result.command,
        "ok": result.ok,
        "root": str(result.root),
        "files": [{"path": str(f.path), "status": f.status, "message": f.message or None,
                   "exit_code": f.exit_code or None} for f in result.files],
        "notes": result.notes,
    }


def print_secrets(result: SecretsResult, fmt: OutputFormat = OutputFormat.HUMAN) -> None:
    if fmt == OutputFormat.JSON:
        print_document(secrets_payload(result))
        return
    console = stdout_console()
    for note in result.notes:
        console.print(escape(note))
    for outcome in result.files:
        mark = _MARK.get(outcome.status, f"[green]{outcome.status}[/green]")
        detail = f"  ({escape(outcome.message)})" if outcome.message else ""
        code = f" [sops exit {outcome.exit_code}]" if outcome.exit_code else ""
        console.print(f"  {mark}  {escape(shown_path(outcome.path, result.root))}{detail}{code}")
