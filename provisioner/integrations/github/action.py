"""What the action does for each command: run provisioner, annotate, summarise, comment, set outputs."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from provisioner.integrations import summary
from provisioner.integrations.command import CommandRun, Counts, run_provisioner
from provisioner.integrations.github import annotate
from provisioner.integrations.github.api import GitHubApi
from provisioner.integrations.github.context import COMMANDS, ActionInputs, GitHubContext
from provisioner.integrations.github.drift_issue import sync_drift_issue
from provisioner.integrations.github.pull_request import plan_comment_body, upsert_plan_comment
from provisioner.integrations.github.workflow import annotation, append_summary, emit, set_outputs
from provisioner.integrations.http import ApiError
from provisioner.integrations.sticky import project_key

Runner = Callable[[list[str], Path], CommandRun]


@dataclass
class Outcome:
    command: str
    exit_code: int
    ok: bool
    counts: Counts = field(default_factory=Counts)
    drift_found: bool = False
    markdown: str = ""


def sticky_key(inputs: ActionInputs, workspace: str) -> str:
    return project_key(inputs.working_directory.as_posix(), workspace)


def run_action(inputs: ActionInputs, ctx: GitHubContext, environ: Mapping[str, str] | None = None) -> int:
    """Run the command of ``inputs``; returns the step's exit code (see docs/ci.md, "Exit codes")."""
    env = dict(os.environ if environ is None else environ)

    def runner(args: list[str], cwd: Path) -> CommandRun:
        return run_provisioner(args, cwd=cwd, environ=env)

    command = inputs.command
    if command not in COMMANDS:
        emit(annotation("error", f"command must be one of {', '.join(COMMANDS)}, not {command!r}", title="provisioner"))
        return 1
    if command != "validate" and ctx.is_fork_pull_request:
        emit(annotation("notice", f"a pull request from a fork gets validate only (no secrets): not running {command}",
                        title="provisioner"))
        command = "validate"
    cwd = inputs.working_directory
    steps = {"validate": _validate, "plan": _plan, "apply": _apply, "drift": _drift}
    outcome = steps[command](inputs, ctx, cwd, runner)
    append_summary(ctx.summary_path, outcome.markdown)
    set_outputs(ctx.output_path, {
        "command": outcome.command, "exit-code": str(outcome.exit_code),
        "create": str(outcome.counts.create), "update": str(outcome.counts.update),
        "delete": str(outcome.counts.delete), "has-changes": str(outcome.counts.has_changes).lower(),
        "drift-found": str(outcome.drift_found).lower(),
    })
    if outcome.ok:
        return 0
    return outcome.exit_code or 1


def _validate(inputs: ActionInputs, ctx: GitHubContext, cwd: Path, runner: Runner) -> Outcome:
    run = runner(["validate"], cwd)
    for line in annotate.diagnostics(run.document) if run.error is None else annotate.error("validate", run.document,
                                                                                            run.exit_code):
        emit(line)
    markdown = summary.validate_markdown(run.document) if run.error is None else summary.failure_markdown(
        "validate", run.document, run.exit_code)
    return Outcome("validate", run.exit_code, run.exit_code == 0, markdown=markdown)


def _plan(inputs: ActionInputs, ctx: GitHubContext, cwd: Path, runner: Runner) -> Outcome:
    markdown_file = ctx.temp_dir / "provisioner-plan.md"
    args = ["plan", "--out", inputs.plan_file, "--markdown", str(markdown_file.absolute()), "--detailed-exitcode"]
    run = runner([*args, "--allow-delete"] if inputs.allow_delete else args, cwd)
    ok = run.exit_code in (0, 2) and run.error is None
    if ok:
        markdown = markdown_file.read_text(encoding="utf-8")
        counts = Counts.of_plan(run.document)
    else:
        for line in annotate.error("plan", run.document, run.exit_code):
            emit(line)
        markdown, counts = summary.failure_markdown("plan", run.document, run.exit_code), Counts()
    number = ctx.pull_request_number
    if inputs.comment and number is not None:
        key = sticky_key(inputs, str(run.document.get("workspace") or "default"))
        body = plan_comment_body(key, markdown, sha=ctx.head_sha, run_url=ctx.run_url)
        try:
            done = upsert_plan_comment(GitHubApi(ctx.api_url, ctx.repository, inputs.token), number, key, body)
            emit(f"plan comment {done.action}: {done.url or done.comment_id}")
        except ApiError as exc:
            emit(annotation("error", f"could not post the plan comment: {exc}", title="provisioner plan"))
            return Outcome("plan", run.exit_code, False, counts, markdown=markdown)
    return Outcome("plan", run.exit_code, ok, counts, markdown=markdown)


def _apply(inputs: ActionInputs, ctx: GitHubContext, cwd: Path, runner: Runner) -> Outcome:
    plan_path = cwd / inputs.plan_file
    if not plan_path.is_file():  # no reviewed plan handed over: plan the checked-out commit, then apply exactly that
        made = runner(["plan", "--out", inputs.plan_file, *(["--allow-delete"] if inputs.allow_delete else [])], cwd)
        if made.exit_code != 0:
            for line in annotate.error("plan", made.document, made.exit_code):
                emit(line)
            return Outcome("apply", made.exit_code, False,
                           markdown=summary.failure_markdown("plan", made.document, made.exit_code))
    counts = Counts.of_plan(json.loads(plan_path.read_text(encoding="utf-8")))
    run = runner(["apply", inputs.plan_file], cwd)
    if run.error is not None:
        for line in annotate.error("apply", run.document, run.exit_code):
            emit(line)
        return Outcome("apply", run.exit_code, False, counts,
                       markdown=summary.failure_markdown("apply", run.document, run.exit_code))
    for line in annotate.apply_failures(run.document):
        emit(line)
    return Outcome("apply", run.exit_code, run.exit_code == 0, counts, markdown=summary.apply_markdown(run.document))


def _drift(inputs: ActionInputs, ctx: GitHubContext, cwd: Path, runner: Runner) -> Outcome:
    run = runner(["drift"], cwd)
    if run.error is not None or run.exit_code not in (0, 2):
        for line in annotate.error("drift", run.document, run.exit_code):
            emit(line)
        return Outcome("drift", run.exit_code, False,
                       markdown=summary.failure_markdown("drift", run.document, run.exit_code))
    for line in annotate.drifted(run.document):
        emit(line)
    found = run.exit_code == 2
    markdown = summary.drift_markdown(run.document)
    if inputs.drift_issue:
        key = sticky_key(inputs, str(run.document.get("workspace") or "default"))
        try:
            done = sync_drift_issue(GitHubApi(ctx.api_url, ctx.repository, inputs.token), key, drifted=found,
                                    markdown=markdown, run_url=ctx.run_url)
            emit(f"drift issue: {done.action}" + (f" #{done.number}" if done.number else ""))
        except ApiError as exc:
            emit(annotation("error", f"could not update the drift issue: {exc}", title="provisioner drift"))
            return Outcome("drift", run.exit_code, False, drift_found=found, markdown=markdown)
    return Outcome("drift", run.exit_code, not (found and inputs.fail_on_drift), drift_found=found, markdown=markdown)
