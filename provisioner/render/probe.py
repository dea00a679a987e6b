"""Connection test results: one line per connection (class, time, message, hint), or JSON."""

from __future__ import annotations

from rich.markup import escape

from provisioner.commands.probe import ProbeReport
from provisioner.probe import ProbeResult
from provisioner.render.console import stderr_console, stdout_console
from provisioner.render.document import print_document
from provisioner.render.formats import OutputFormat


def result_line(result: ProbeResult, name_width: int) -> str:
    mark = "[green]ok  [/green]" if result.ok else "[bold red]FAIL[/bold red]"
    status = f" HTTP {result.status_code}" if result.status_code is not None and not result.ok else ""
    label = escape(result.label) + status
    name = escape(result.name).ljust(name_width)
    line = f"{mark} {name}  {label:<28} {result.elapsed_ms:7.0f} ms  {escape(result.method)}"
    if result.message and not result.ok:
        line += f"  {escape(result.message)}"
    return line


def summary(report: ProbeReport) -> str:
    failed = len(report.failed)
    return (
        f"connections: {len(report.results) - failed} ok, {failed} failed "
        f"(parallelism {report.parallelism}, {report.elapsed_ms:.0f} ms)"
    )


def render_human(report: ProbeReport) -> None:
    console = stdout_console()
    width = max((len(r.name) for r in report.results), default=0)
    for result in report.results:
        console.print(result_line(result, width))
        if result.hint and not result.ok:
            console.print(f"       [cyan]hint:[/cyan] {escape(result.hint)}")
    stderr_console().print(summary(report))


def render_json(report: ProbeReport) -> None:
    print_document(report.to_dict())


def print_report(report: ProbeReport, fmt: OutputFormat = OutputFormat.HUMAN) -> None:
    if fmt == OutputFormat.JSON:
        render_json(report)
    else:
        render_human(report)
