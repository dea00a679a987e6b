"""``drift`` results: one line per connection and agent (most severe first) and a summary line.

Human (terminal), JSON (docs/json.md), markdown (an issue body or a job summary) and GitHub workflow
commands (an annotation per drifted item). All rendered from the same ``DriftReport``, which holds
no secret value (field paths, classes and the probe's redacted messages only).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from rich.markup import escape

from provisioner.diagnostics import SourceRange
from provisioner.drift.model import DriftItem, DriftReport, DriftStatus
from provisioner.render.annotations import print_annotation
from provisioner.render.console import stderr_console, stdout_console
from provisioner.render.document import print_document
from provisioner.render.formats import OutputFormat
from provisioner.state.drift_runs import DriftEntry, DriftRun

_STYLE = {DriftStatus.TAMPERED: "bold red", DriftStatus.FAILING: "red", DriftStatus.UNAPPLIED: "yellow",
          DriftStatus.ORPHANED: "yellow", DriftStatus.UNDECLARED_REMOTE: "magenta",
          DriftStatus.MODIFIED_REMOTELY: "magenta", DriftStatus.MISSING_REMOTELY: "magenta",
          DriftStatus.IN_SYNC: "green"}
_WIDTH = max(len(s.value) for s in DriftStatus)


def item_line(item: DriftItem, width: int) -> str:
    """``failing    connection.shop  unauthorized: Specified token does not exist`` (plain text)."""
    line = f"{item.status.value:<{_WIDTH}}  {item.address:<{width}}"
    return f"{line}  {item.reason}".rstrip() if item.reason else line.rstrip()


def hint_of(item: DriftItem) -> str | None:
    return item.test.hint if item.status is DriftStatus.FAILING and item.test else None


def render_human(report: DriftReport) -> None:
    out = stdout_console()
    out.print(f"Drift for workspace [bold]{escape(report.workspace)}[/bold] (state serial {report.serial}, "
              f"target {escape(report.target)})")
    width = max((len(i.address) for i in report.items), default=0)
    for item in report.items:
        style = _STYLE[item.status]
        text = escape(item_line(item, width))
        out.print(f"  [{style}]{text}[/{style}]", highlight=False)
        hint = hint_of(item)
        if hint:
            out.print(f"  {'':<{_WIDTH}}  [cyan]hint:[/cyan] {escape(hint)}", highlight=False)
    if not report.items:
        out.print("  (nothing declared or stored)")
    out.print(f"[bold]{escape(report.summary_text())}[/bold]")
    err = stderr_console()
    for note in report.notes:
        err.print(f"note: {escape(note)}", highlight=False)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'").replace("\n", " ").replace("<", "&lt;")


def markdown_text(report: DriftReport) -> str:
    """An issue body or job summary: the summary, then a table of what drifted (in-sync ones counted only)."""
    out = [f"### provisioner drift for workspace `{_md(report.workspace)}`", "", f"**{_md(report.summary_text())}**",
           ""]
    drifted = [i for i in report.items if i.status.drifted]
    if drifted:
        out += ["| status | resource | why | hint |", "|---|---|---|---|"]
        out += [f"| {i.status.value} | `{_md(i.address)}` | {_md(i.reason)} | {_md(hint_of(i) or '')} |"
                for i in drifted]
        out.append("")
    out.append(f"<sub>state serial {report.serial}, target {_md(report.target)}"
               + (f", run {report.run_id}" if report.run_id else "") + "</sub>")
    return "\n".join(out) + "\n"


def render_github(report: DriftReport, locations: Mapping[str, SourceRange] | None = None) -> None:
    """An annotation per drifted item (errors for tampered/failing, warnings otherwise) on the declaration's
    line when ``locations`` knows it, then a notice."""
    for item in report.items:
        if not item.status.drifted:
            continue
        level = "error" if item.status in (DriftStatus.TAMPERED, DriftStatus.FAILING) else "warning"
        hint = hint_of(item)
        message = (item.reason or item.status.value) + (f" (hint: {hint})" if hint else "")
        print_annotation(level, message, title=f"drift: {item.status.value} {item.address}", address=item.address,
                         locations=locations, file=item.file)
    print_annotation("notice", report.summary_text(), title="drift")


def print_drift(report: DriftReport, fmt: OutputFormat = OutputFormat.HUMAN,
                locations: Mapping[str, SourceRange] | None = None) -> None:
    if fmt is OutputFormat.JSON:
        print_document(report.to_dict())
    elif fmt is OutputFormat.MARKDOWN:
        stdout_console().out(markdown_text(report), highlight=False, end="")
    elif fmt is OutputFormat.GITHUB:
        render_github(report, locations)
    else:
        render_human(report)


def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def last_drift_text(entry: DriftEntry | None) -> str:
    """``failing (unauthorized) since 2026-12-01 22:00:00 UTC`` for ``state list`` / ``state show``."""
    if entry is None:
        return "-"
    text = entry.status + (f" ({entry.test_class})" if entry.test_class else "")
    when = f" since {_utc_text(entry.failing_since)}" if entry.failing_since else f" at {_utc_text(entry.at)}"
    return text + when


def last_drift_dict(entry: DriftEntry | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {"status": entry.status, "test_class": entry.test_class, "at": entry.at.isoformat(),
            "failing_since": entry.failing_since.isoformat() if entry.failing_since else None,
            "run_id": entry.run_id}


def drift_run_dict(run: DriftRun) -> dict[str, Any]:
    return {"run_id": run.run_id, "at": run.at.isoformat(), "actor": run.actor, "git_commit": run.git_commit,
            "serial": run.serial, "tested": run.tested,
            "summary": {k.replace("-", "_"): v for k, v in run.counts().items()},
            "results": [{"address": r.address, "status": r.status, "test_class": r.test_class, "detail": r.detail,
                         "failing_since": r.failing_since.isoformat() if r.failing_since else None}
                        for r in run.results]}


def print_drift_runs(workspace: str, runs: list[DriftRun], fmt: OutputFormat = OutputFormat.HUMAN) -> None:
    """``state history --drift``: the drift runs, apart from the writes, oldest first."""
    if fmt is OutputFormat.JSON:
        print_document({"workspace": workspace, "drift_runs": [drift_run_dict(r) for r in runs]}, sort_keys=True)
        return
    out = stdout_console()
    if not runs:
        out.print(f"workspace {escape(workspace)}: no drift runs")
    for run in runs:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(run.counts().items())) or "nothing checked"
        commit = f" at {run.git_commit[:12]}" if run.git_commit else ""
        out.print(escape(f"{_utc_text(run.at)}  drift run  serial {run.serial:<5} {counts}"
                         f"{'' if run.tested else ' (no live tests)'}  by {run.actor}{commit}"), highlight=False)
