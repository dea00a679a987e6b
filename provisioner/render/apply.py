"""Apply output: one plain line per item (CI logs) or a progress bar (TTY); the JSON report."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from provisioner.apply.results import ApplyReport, ItemResult, ItemStatus
from provisioner.plan.model import Plan
from provisioner.render.document import print_document

_STYLE = {ItemStatus.APPLIED: "green", ItemStatus.DELETED: "green", ItemStatus.FAILED: "red",
          ItemStatus.ERROR: "bold red", ItemStatus.SKIPPED: "yellow"}


def item_line(item: ItemResult) -> str:
    parts = [f"{item.status.value:<8} {item.action:<7} {item.address}"]
    v = item.verdict
    if v is not None:
        timing = f" {v.elapsed_ms:.0f} ms" if v.elapsed_ms is not None else ""
        parts.append(f"test: {v.outcome}{timing}")
        if not v.ok and v.message:
            parts.append(v.message)
    if item.detail:
        parts.append(item.detail)
    if item.serial is not None:
        parts.append(f"serial {item.serial}")
    return " | ".join(parts)


class ApplyProgress:
    """Receives items as they finish: a progress bar on a TTY, otherwise one line per item."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def start(self, total: int) -> None:
        """Called when the changes are known; shows a bar only on a real terminal (not a log under FORCE_COLOR)."""
        if self.console.is_terminal and self.console.file.isatty() and total:
            self.progress = Progress(TextColumn("applying"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=self.console, transient=True)
            self.task = self.progress.add_task("apply", total=total)
            self.progress.start()

    def __enter__(self) -> ApplyProgress:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        if self.progress:
            self.progress.stop()

    def __call__(self, item: ItemResult) -> None:
        style = _STYLE[item.status]
        self.console.print(f"[{style}]{escape(item_line(item))}[/{style}]")
        if item.verdict and not item.verdict.ok and item.verdict.hint:
            self.console.print(f"         [cyan]hint:[/cyan] {escape(item.verdict.hint)}")
        if self.progress and self.task is not None:
            self.progress.advance(self.task)


def outcome_text(report: ApplyReport) -> str:
    """``complete: N applied, N deleted, ... (serial A -> B)``, or ``incomplete: ...``."""
    c = report.counts()
    return (f"{'complete' if report.ok else 'incomplete'}: {c['applied']} applied, {c['deleted']} deleted, "
            f"{c['failed']} failed, {c['error']} errors, {c['skipped']} skipped "
            f"(serial {report.serial_before} -> {report.serial_after})")


def not_applied(report: ApplyReport) -> list[ItemResult]:
    return [item for item in report.items if item.status not in (ItemStatus.APPLIED, ItemStatus.DELETED)]


def why_not_applied(item: ItemResult) -> str:
    """The test's outcome (and message), then apply's detail, joined by "; "; empty when there is neither."""
    v = item.verdict
    parts = [f"{v.outcome}: {v.message}" if v.message else v.outcome] if v else []
    if item.detail:
        parts.append(item.detail)
    return "; ".join(parts)


def render_summary(report: ApplyReport, console: Console) -> None:
    text = f"Apply {outcome_text(report)}"
    if report.interrupted:
        text += "; interrupted: run apply again to finish"
    console.print(f"[bold]{escape(text)}[/bold]")
    for item in not_applied(report):  # once more at the end, where a CI log reader looks
        console.print(f"  [{_STYLE[item.status]}]{item.status.value}[/{_STYLE[item.status]}] "
                      f"{escape(item.address)}: {escape(why_not_applied(item))}")
        if item.verdict is not None and item.verdict.hint:
            console.print(f"    [cyan]hint:[/cyan] {escape(item.verdict.hint)}")


def render_json(report: ApplyReport) -> None:
    print_document(report.to_dict())


def nothing_done_message(plan: Plan, *, confirmed: bool) -> str:
    """Why apply did nothing; names the deletes it held back, so a removed file is never silently kept."""
    if not confirmed:
        return "Apply cancelled."
    message = "No changes. Nothing to apply."
    blocked = [c.address for c in plan.changes if c.blocked]
    if blocked:
        message += (f" Kept {len(blocked)} no longer declared (deletes need --allow-delete): "
                    f"{', '.join(blocked)}.")
    return message


def render_nothing_done_json(message: str, *, ok: bool) -> None:
    """The JSON report when nothing was applied (no changes, or not confirmed)."""
    print_document({"ok": ok, "applied": False, "message": message, "items": []})
