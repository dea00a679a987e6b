"""``provisioner import``: what was written, skipped and noted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from provisioner.render.document import print_document

if TYPE_CHECKING:
    from provisioner.commands.import_ import ImportResult


def render_human(result: ImportResult, out: Console, err: Console) -> None:
    for item in result.written:
        out.print(f"[green]imported[/green]  {escape(item.address)} -> {escape(item.file)}")
    for skipped in result.skipped:
        out.print(f"[dim]skipped   {escape(skipped.address)}: {escape(skipped.reason)}[/dim]")
    for note in result.notes:
        err.print(f"[yellow]note:[/yellow] {escape(note)}")
    if result.written:
        out.print(f"\nWrote {len(result.written)} declaration(s), secrets encrypted by sops. "
                  "Check them with: provisioner validate && provisioner plan")
    else:
        out.print("Nothing to import: every record in the state is declared.")


def render_json(result: ImportResult) -> None:
    print_document({
        "written": [{"address": i.address, "file": i.file} for i in result.written],
        "skipped": [{"address": s.address, "reason": s.reason} for s in result.skipped],
        "notes": list(result.notes),
        "serial": result.serial,
    })
