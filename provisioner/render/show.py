"""A saved plan as ``plan`` rendered it (render/plan.py), under a banner when it is stale."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from provisioner.commands.show import ShownPlan
from provisioner.plan.planfile import plan_to_dict
from provisioner.render.console import stdout_console
from provisioner.render.plan import markdown_text
from provisioner.render.plan import render_human as render_plan

STALE_TITLE = "This plan is stale: `provisioner apply` would refuse it."
STALE_HINT = "run `provisioner plan --out FILE` again, review it, and apply the new file"


def _banner_lines(shown: ShownPlan) -> list[str]:
    lines = [f"- {reason}" for reason in shown.stale_reasons]
    if not shown.files_checked:
        lines.append(f"- (the files could not be compared with it: {shown.files_note})")
    return lines


def render_human(shown: ShownPlan, console: Console) -> None:
    if shown.stale:
        console.print(f"[bold red]{escape(STALE_TITLE)}[/bold red]")
        for line in _banner_lines(shown):
            console.print(f"[red]{escape(line)}[/red]")
        console.print(f"[dim]{escape(STALE_HINT)}[/dim]\n")
    elif not shown.files_checked:
        console.print(f"[yellow]Only the state was checked: {escape(shown.files_note or '')}[/yellow]\n")
    render_plan(shown.plan, console)


def to_dict(shown: ShownPlan) -> dict[str, object]:
    """The plan document (as ``plan --format json``) plus what is known about its freshness."""
    return {**plan_to_dict(shown.plan), "stale": shown.stale, "stale_reasons": list(shown.stale_reasons),
            "files_checked": shown.files_checked, "files_note": shown.files_note}


def render_json(shown: ShownPlan) -> None:
    stdout_console().out(json.dumps(to_dict(shown), indent=2), highlight=False)


def markdown(shown: ShownPlan) -> str:
    text = markdown_text(shown.plan)
    if not shown.stale:
        return text
    quoted = [f"> **{STALE_TITLE}**", ">", *(f"> {line.replace('|', '/')}" for line in _banner_lines(shown)), ""]
    return "\n".join(quoted) + "\n" + text


def render_markdown(shown: ShownPlan) -> None:
    stdout_console().out(markdown(shown), highlight=False, end="")
