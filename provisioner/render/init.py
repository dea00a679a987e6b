"""What ``provisioner init`` did: files created, updated or skipped, and the next steps."""

from __future__ import annotations

from rich.markup import escape

from provisioner.commands.init import InitResult
from provisioner.paths import shown_path
from provisioner.render.console import stdout_console
from provisioner.render.diagnostics import render_human
from provisioner.render.document import print_document
from provisioner.render.formats import OutputFormat

_MARK = {"created": "[green]created[/green]", "updated": "[yellow]updated[/yellow]", "skipped": "[dim]skipped[/dim]"}


def init_payload(result: InitResult) -> dict[str, object]:
    return {
        "ok": not result.diagnostics.has_errors,
        "root": str(result.root),
        "files": [{"path": str(e.path), "status": e.status, "note": e.note or None} for e in result.entries],
        "recipients": result.recipients,
        "key_file": str(result.key_file) if result.key_file else None,
        "sandbox_command": result.sandbox_command,
        "next_steps": result.next_steps,
        "diagnostics": [d.to_dict() for d in result.diagnostics.sorted()],
    }


def print_init(result: InitResult, fmt: OutputFormat = OutputFormat.HUMAN) -> None:
    console = stdout_console()
    if fmt == OutputFormat.JSON:
        print_document(init_payload(result))
        return
    if result.diagnostics.items:
        render_human(result.diagnostics.sorted())
    if result.diagnostics.has_errors:
        return
    console.print(f"initialised {escape(str(result.root))}")
    for entry in result.entries:
        note = f"  ({escape(entry.note)})" if entry.note else ""
        console.print(f"  {_MARK[entry.status]}  {escape(shown_path(entry.path, result.root))}{note}")
    if result.recipients:
        console.print("encrypted for: " + ", ".join(result.recipients))
    console.print("next steps:")
    for step in result.next_steps:
        console.print(f"  - {escape(step)}")
