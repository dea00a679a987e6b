"""``--format github`` for plan, test and apply: workflow commands on the declaration's line.

Failures are ``::error`` (a failed test, a change apply could not make); what a plan would change is a
``::notice`` (a held-back delete a ``::warning``); each ends with one ``::notice`` carrying the summary.
No secret reaches these lines: they are built from the same result objects as the JSON documents.
"""

from __future__ import annotations

from collections.abc import Mapping

from provisioner.apply.results import ApplyReport, ItemStatus
from provisioner.commands.probe import ProbeReport
from provisioner.diagnostics import SourceRange
from provisioner.plan.model import Action, Plan
from provisioner.render.annotations import print_annotation
from provisioner.render.apply import not_applied, outcome_text, why_not_applied
from provisioner.render.plan_text import summary_text, visible_changes
from provisioner.render.probe import summary as probe_summary

Locations = Mapping[str, SourceRange]
_VERB = {Action.CREATE: "will be created", Action.UPDATE: "will be updated", Action.DELETE: "will be deleted"}


def render_plan_github(plan: Plan, locations: Locations) -> None:
    for change in visible_changes(plan):
        message = f"{change.address} {_VERB.get(change.action, change.action.value)}"
        fields = [f.path for f in change.fields] + [f"{p} (sensitive value changed)" for p in change.sensitive_changed]
        if fields:
            message += ": " + ", ".join(fields)
        level = "notice"
        if change.blocked:
            level, message = "warning", f"{message}; held back: {change.blocked}"
        print_annotation(level, message, title=f"plan: {change.action.value} {change.address}",
                         address=change.address, locations=locations, file=change.file)
    print_annotation("notice", summary_text(plan), title="plan")


def render_probe_github(report: ProbeReport, locations: Locations) -> None:
    for result in report.results:
        if result.ok:
            continue
        message = result.label + (f": {result.message}" if result.message else "")
        message += f" (hint: {result.hint})" if result.hint else ""
        address = f"connection.{result.name}"
        print_annotation("error", message, title=f"test: {result.label} {address}", address=address,
                         locations=locations)
    print_annotation("notice", probe_summary(report), title="test")


def render_apply_github(report: ApplyReport, locations: Locations) -> None:
    for item in not_applied(report):
        why = why_not_applied(item)
        if item.verdict is not None and item.verdict.hint:
            why += f"{'; ' if why else ''}hint: {item.verdict.hint}"
        level = "warning" if item.status is ItemStatus.SKIPPED else "error"
        print_annotation(level, f"{item.address} {item.status.value}: {why or item.status.value}",
                         title=f"apply: {item.status.value} {item.address}", address=item.address,
                         locations=locations)
    print_annotation("notice", f"apply {outcome_text(report)}", title="apply")
