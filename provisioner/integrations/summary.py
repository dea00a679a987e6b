"""Markdown for job summaries, comments and notes, drawn from the JSON documents of docs/json.md.

The plan's own markdown (``plan --markdown FILE``) is used as it is; these cover the other commands and
failures. Every value copied into a table cell is escaped; no document here holds a secret value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("`", "'").replace("\n", " ").replace("<", "&lt;")


def diagnostics_of(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A validate document's diagnostics, or an error document's (``invalid-input``)."""
    found = document.get("diagnostics")
    if found is None:
        found = (document.get("error") or {}).get("diagnostics")
    return [d for d in found or () if isinstance(d, dict)]


def where(d: Mapping[str, Any]) -> str:
    if not d.get("file"):
        return ""
    return f"{d['file']}:{d['line']}" if d.get("line") else str(d["file"])


def validate_markdown(document: Mapping[str, Any]) -> str:
    errors, warnings = int(document.get("errors", 0)), int(document.get("warnings", 0))
    files = len(document.get("files") or ())
    verdict = "valid" if document.get("valid") else "invalid"
    head = f"**{verdict}: {errors} error(s), {warnings} warning(s) in {files} file(s)**"
    out = ["### provisioner validate", "", head, ""]
    out += diagnostics_table(diagnostics_of(document))
    return "\n".join(out) + "\n"


def diagnostics_table(diagnostics: list[Mapping[str, Any]]) -> list[str]:
    if not diagnostics:
        return []
    out = ["| severity | where | code | message |", "|---|---|---|---|"]
    out += [f"| {cell(d.get('severity'))} | `{cell(where(d))}` | {cell(d.get('code'))} | {cell(d.get('message'))} |"
            for d in diagnostics]
    return [*out, ""]


def failure_markdown(command: str, document: Mapping[str, Any], exit_code: int) -> str:
    error = document.get("error") or {}
    message = error.get("message") or f"provisioner {command} exited with {exit_code}"
    out = [f"### provisioner {command} failed", "", f"**{cell(message)}**", ""]
    if error.get("hint"):
        out += [f"hint: {cell(error['hint'])}", ""]
    out += diagnostics_table(diagnostics_of(document))
    return "\n".join(out) + "\n"


def apply_markdown(document: Mapping[str, Any]) -> str:
    if "counts" not in document:
        return f"### provisioner apply\n\n**{cell(document.get('message') or 'Nothing applied.')}**\n"
    counts = document["counts"]
    line = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("applied", "deleted", "failed", "error", "skipped"))
    out = ["### provisioner apply", "", f"**{'ok' if document.get('ok') else 'failed'}: {line}**", "",
           "| resource | action | status | test |", "|---|---|---|---|"]
    for item in document.get("items") or ():
        test = (item.get("test") or {}).get("outcome") or ""
        out.append(f"| `{cell(item.get('address'))}` | {cell(item.get('action'))} | {cell(item.get('status'))} | "
                   f"{cell(test)} |")
    out += ["", f"<sub>state serial {document.get('serial_before')} → {document.get('serial_after')}</sub>"]
    return "\n".join(out) + "\n"


def drift_markdown(document: Mapping[str, Any]) -> str:
    summary = document.get("summary") or {}
    counted = ", ".join(f"{n} {k.replace('_', '-')}" for k, n in summary.items() if n)
    drifted = [i for i in document.get("items") or () if i.get("status") != "in-sync"]
    out = [f"### provisioner drift for workspace `{cell(document.get('workspace'))}`", "",
           f"**{len(drifted)} drifted of {len(document.get('items') or ())}" + (f" ({counted})" if counted else "")
           + "**", ""]
    if drifted:
        out += ["| status | resource | why | file |", "|---|---|---|---|"]
        out += [f"| {cell(i.get('status'))} | `{cell(i.get('address'))}` | {cell(i.get('detail'))} | "
                f"{'`' + cell(i['file']) + '`' if i.get('file') else ''} |" for i in drifted]
        out.append("")
    out.append(f"<sub>state serial {document.get('serial')}, run {cell(document.get('run_id'))}</sub>")
    return "\n".join(out) + "\n"
