"""A plan for people (terminal), for pull requests (markdown) and for machines (JSON); ``render_*`` print."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from provisioner.plan.model import Action, Plan
from provisioner.plan.planfile import plan_to_dict
from provisioner.render.console import stdout_console
from provisioner.render.plan_text import change_body, change_header, summary_text, visible_changes

_STYLE = {Action.CREATE: "green", Action.UPDATE: "yellow", Action.DELETE: "red", Action.NOOP: "dim"}


_CHUNK = 500  # lines a print: rich's cost is per call (10,000 creates are over 100,000 lines)


def render_human(plan: Plan, console: Console) -> None:
    lines = [
        f"Plan for workspace [bold]{escape(plan.workspace)}[/bold] "
        f"(state serial {plan.serial}, lineage {escape(plan.lineage[:8])})"
    ]
    if plan.targets:
        lines.append(f"Targeted: {escape(', '.join(plan.targets))}")
    lines.append("")
    for change in visible_changes(plan):
        style = _STYLE[change.action]
        lines.append(f"  [{style}]{escape(change_header(change))}[/{style}]  [dim]# {escape(change.reason)}[/dim]")
        if change.blocked:
            lines.append(f"      [bold red]{escape(change.blocked)}[/bold red]")
        lines += [f"      {escape(line)}" for line in change_body(change)]
        lines.append("")
    lines.append(f"[bold]{escape(summary_text(plan))}[/bold]")
    for start in range(0, len(lines), _CHUNK):
        console.print("\n".join(lines[start:start + _CHUNK]))


def render_json(plan: Plan) -> None:
    """The plan document (the plan file's format, docs/json.md) on stdout."""
    stdout_console().out(json.dumps(plan_to_dict(plan), indent=2), highlight=False)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'").replace("\n", " ")


def _fence(lines: list[str]) -> list[str]:
    body = [line.replace("```", "'''") for line in lines]
    return ["```diff", *body, "```"]


def render_markdown(plan: Plan) -> None:
    stdout_console().out(markdown_text(plan), highlight=False, end="")


def markdown_text(plan: Plan) -> str:
    """A pull-request comment: a summary table and collapsible details. Holds no secret value."""
    changes = visible_changes(plan)
    out = [f"### provisioner plan for workspace `{_md_cell(plan.workspace)}`", "", f"**{summary_text(plan)}**", ""]
    if changes:
        out += ["| | resource | action | why | file |", "|---|---|---|---|---|"]
        for c in changes:
            action = c.action.value + (" (blocked: needs --allow-delete)" if c.blocked else "")
            out.append(f"| `{c.action.symbol}` | `{_md_cell(c.address)}` | {action} | {_md_cell(c.reason)} | "
                       f"{'`' + _md_cell(c.file) + '`' if c.file else ''} |")
        out += ["", "<details><summary>Details</summary>", ""]
        for c in changes:
            # the symbol stays in column 0 so GitHub colours the line
            out += _fence([change_header(c), *(line[:1] + "     " + line[2:] for line in change_body(c))])
            out.append("")
        out += ["</details>", ""]
    out.append(f"<sub>state serial {plan.serial}, lineage `{plan.lineage[:8]}`"
               + (f", targets: {_md_cell(', '.join(plan.targets))}" if plan.targets else "") + "</sub>")
    return "\n".join(out) + "\n"
