"""The answer of ``provisioner call``: status line, selected headers and body (already redacted)."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from provisioner.commands.call import CallResult
from provisioner.render.document import print_document


def _pretty(result: CallResult) -> str:
    if "json" in result.headers.get("Content-Type", result.headers.get("content-type", "")).lower():
        try:
            return json.dumps(json.loads(result.body), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return result.body


def render_human(result: CallResult, out: Console, err: Console) -> None:
    """Status and headers on stderr (like ``curl -i`` with the body alone on stdout, so it pipes into jq)."""
    style = "green" if result.ok else "red"
    err.print(f"[{style}]{result.status} {escape(result.reason)}[/{style}]  {escape(result.method)} "
              f"{escape(result.url)}  [dim]({result.elapsed_ms:.0f} ms, as {escape(result.connection)})[/dim]")
    for key, value in result.headers.items():
        err.print(f"[dim]{escape(key)}: {escape(value)}[/dim]")
    out.out(_pretty(result), highlight=False)
    if result.truncated:
        err.print("[yellow](body truncated at 1 MiB)[/yellow]")


def render_json(result: CallResult) -> None:
    print_document(result.to_dict())
