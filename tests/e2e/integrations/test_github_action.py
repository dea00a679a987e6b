"""The action's shell steps, run as the runner runs them, against a sandbox project and a GitHub API stand-in.

A scratch git repository is the workspace; the tool is installed by the action's own install step from a copy
of this repository (``version`` empty); the REST API is tests/support/github_api.py on loopback.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from provisioner.sandbox import Sandbox
from tests.e2e.integrations.action_runner import ActionRun, run_action
from tests.e2e.integrations.conftest import commit_all
from tests.support.github_api import GitHubApi
from tests.support.magento import Creds
from tests.support.project import Project

# the first test of a session installs the tool from a copy of this checkout (about 25 s)
pytestmark = pytest.mark.slow

REPOSITORY = "acme/shop"
TOKEN = "ghs_CANARYtoken0123456789abcdefghij"  # the job's token: a canary too
PR = 7
MARKER = "<!-- provisioner-plan:default -->"


@pytest.fixture
def github() -> Iterator[GitHubApi]:
    api = GitHubApi(REPOSITORY, TOKEN)
    with api.running():
        yield api


class Job:
    """One job of a workflow: the GITHUB_* environment of an event, then the action, as often as a test likes."""

    def __init__(self, project: Project, api: GitHubApi, action_dir: Path, runner_temp: Path, tmp: Path) -> None:
        self.project, self.api, self.action_dir, self.runner_temp, self.tmp = project, api, action_dir, runner_temp, tmp
        self.runs = 0
        self.texts: list[str] = []

    def event(self, name: str, payload: dict[str, Any]) -> dict[str, str]:
        self.runs += 1
        event_path = self.tmp / f"event-{self.runs}.json"
        event_path.write_text(json.dumps(payload), encoding="utf-8")
        summary = self.tmp / f"summary-{self.runs}.md"
        summary.write_text("", encoding="utf-8")
        base = {k: v for k, v in self.project.env.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        base["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
        return {**base, "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_API_URL": self.api.base_url,
                "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": REPOSITORY,
                "GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": str(event_path), "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_SHA": payload.get("after", "0" * 40), "GITHUB_RUN_ID": str(1000 + self.runs)}

    def run(self, env: dict[str, str], **with_: str) -> tuple[ActionRun, str]:
        done = run_action(self.action_dir, self.project.root, self.runner_temp, env, with_, TOKEN)
        summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
        self.texts += [done.stdout, done.stderr, summary, json.dumps(done.outputs)]
        return done, summary

    def no_secret_anywhere(self) -> None:
        """Canaries: no secret value (nor the token) in outputs, logs, summaries, or anything sent to the API."""
        sent = [json.dumps(c.body) for c in self.api.calls]
        bodies = [c["body"] for c in self.api.comments] + [i["body"] for i in self.api.issues.values()]
        self.project.assert_no_secret(*self.texts, *sent, *bodies)
        for text in [*self.texts, *sent, *bodies]:
            assert TOKEN not in text


def pull_request(sha: str, *, head_repo: str = REPOSITORY) -> dict[str, Any]:
    return {"action": "synchronize", "number": PR, "pull_request": {
        "number": PR, "head": {"sha": sha, "ref": "change", "repo": {"full_name": head_repo,
                                                                     "fork": head_repo != REPOSITORY}},
        "base": {"ref": "main", "repo": {"full_name": REPOSITORY, "fork": False}}}}


@pytest.fixture
def job(tmp_path: Path, github: GitHubApi, action_dir: Path, runner_temp: Path) -> Job:
    project = Project.create(tmp_path)
    github.add_pull_request(PR)
    for n in range(120):  # the sticky comment will sit on the second page of the listing
        github.add_comment(PR, f"looks good {n}", user="reviewer")
    return Job(project, github, action_dir, runner_temp, tmp_path)


def marked(api: GitHubApi) -> list[dict[str, Any]]:
    return [c for c in api.comments_on(PR) if c["body"].startswith(MARKER)]


def test_plan_comment_is_created_once_then_updated(job: Job, sandbox: Sandbox, creds: Creds) -> None:
    project, api = job.project, job.api
    project.write_connection("shop", sandbox.base_uri, creds)
    sha = commit_all(project.root, "add shop")

    done, summary = job.run(job.event("pull_request", pull_request(sha)), command="plan")
    assert done.returncode == 0, done.text()
    assert done.outputs == {"command": "plan", "exit-code": "2", "create": "1", "update": "0", "delete": "0",
                            "has-changes": "true", "drift-found": "false"}
    [comment] = marked(api)
    assert "`connection.shop`" in comment["body"] and "1 to create" in comment["body"]
    assert f"commit `{sha[:12]}`" in comment["body"]
    assert "1 to create" in summary and "`connection.shop`" in summary
    assert [c.method for c in api.writes()] == ["POST"]
    # the listing was read to its last page, with the job's token
    pages = [c for c in api.calls if c.method == "GET" and c.path.endswith(f"/issues/{PR}/comments")]
    assert len(pages) == 2 and pages[1].query.get("page") == "2"
    assert all(c.headers["authorization"] == f"Bearer {TOKEN}" for c in api.calls)

    # a second push: the same comment, updated
    project.write_connection("erp", sandbox.base_uri, creds)
    sha2 = commit_all(project.root, "add erp")
    done, summary = job.run(job.event("pull_request", pull_request(sha2)), command="plan")
    assert done.returncode == 0, done.text()
    assert (done.outputs["create"], done.outputs["has-changes"]) == ("2", "true")
    [again] = marked(api)
    assert again["id"] == comment["id"]
    assert "2 to create" in again["body"] and "`connection.erp`" in again["body"]
    assert f"commit `{sha2[:12]}`" in again["body"]
    assert [c.method for c in api.writes()] == ["POST", "PATCH"]
    assert len(api.comments_on(PR)) == 121

    # merged: the apply job (a push, no pull request, no plan file handed over) plans and applies
    (project.root / "plan.json").unlink()
    done, summary = job.run(job.event("push", {"after": sha2}), command="apply")
    assert done.returncode == 0, done.text()
    assert (done.outputs["exit-code"], done.outputs["create"]) == ("0", "2")
    assert "2 applied" in summary and "`connection.erp`" in summary
    assert [c.method for c in api.writes()] == ["POST", "PATCH"]  # apply comments nowhere
    assert set(project.records()) == {"connection.shop", "connection.erp"}

    # a plan with no changes says so, in the same comment
    done, summary = job.run(job.event("pull_request", pull_request(sha2)), command="plan")
    assert done.returncode == 0, done.text()
    assert done.outputs["exit-code"] == "0" and done.outputs["has-changes"] == "false"
    assert (done.outputs["create"], done.outputs["update"], done.outputs["delete"]) == ("0", "0", "0")
    [last] = marked(api)
    assert last["id"] == comment["id"] and "No changes." in last["body"] and "to create" not in last["body"]
    assert "No changes." in summary
    job.no_secret_anywhere()


def test_fork_pull_request_gets_validate_only(job: Job) -> None:
    """No secrets in a fork's job: no age key, no state key; the action validates and touches no API."""
    project = job.project
    plain = (Path(__file__).parent / "shop.plain.yaml").read_text(encoding="utf-8")
    project.secrets |= {line.split(": ")[1] for line in plain.splitlines() if "CANARY" in line}
    project.encrypt("shop", plain)
    project.path("typo").write_text(project.path("shop").read_text(encoding="utf-8").replace(
        "name: shop", "name: typo").replace("  displayName:", "  displayNmae:"), encoding="utf-8")
    sha = commit_all(project.root, "from a fork")
    env = job.event("pull_request", pull_request(sha, head_repo="mallory/shop"))
    for secret in ("SOPS_AGE_KEY_FILE", "PROVISIONER_STATE_KEY", "PROVISIONER_STATE_URL"):
        env.pop(secret)
    done, summary = job.run(env, command="plan")
    assert done.returncode == 1, done.text()
    assert done.outputs["command"] == "validate" and done.outputs["exit-code"] == "1"
    assert done.outputs["has-changes"] == "false"
    assert "gets validate only" in done.stdout
    line = next(n for n, text in enumerate(project.path("typo").read_text().splitlines(), 1) if "displayNmae" in text)
    assert f"::error file=connections/typo.yaml,line={line}," in done.stdout, done.stdout
    assert "invalid: 1 error(s)" in summary and "`connections/typo.yaml:" in summary
    assert job.api.calls == []
    assert not (project.root / "plan.json").exists()
    job.no_secret_anywhere()


def drift_issues(api: GitHubApi) -> list[dict[str, Any]]:
    return [i for i in api.issues.values() if "pull_request" not in i]


def test_drift_opens_one_issue_updates_it_and_closes_it(job: Job, sandbox: Sandbox, creds: Creds) -> None:
    project, api = job.project, job.api
    project.write_connection("shop", sandbox.base_uri, creds)
    assert project.cli("apply", "--auto-approve").returncode == 0
    sha = commit_all(project.root, "applied")

    done, summary = job.run(job.event("schedule", {"after": sha}), command="drift", **{"drift-issue": "true"})
    assert done.returncode == 0, done.text()
    assert (done.outputs["drift-found"], done.outputs["exit-code"]) == ("false", "0")
    assert drift_issues(api) == [] and "drift issue: none" in done.stdout
    assert "0 drifted of 1" in summary

    project.edit("shop", "timeoutSeconds: 30", "timeoutSeconds: 60")  # declared, not applied
    for expected in ("opened", "updated"):
        done, summary = job.run(job.event("schedule", {"after": sha}), command="drift", **{"drift-issue": "true"})
        assert done.returncode == 0, done.text()  # drift is reported, not a failed step (fail-on-drift: false)
        assert (done.outputs["drift-found"], done.outputs["exit-code"]) == ("true", "2")
        assert f"drift issue: {expected}" in done.stdout
        [issue] = drift_issues(api)
        assert issue["state"] == "open" and issue["body"].startswith("<!-- provisioner-drift:default -->")
        assert "unapplied" in issue["body"] and "`connection.shop`" in issue["body"]
        assert [label["name"] for label in issue["labels"]] == ["provisioner-drift"]
        assert "::warning file=connections/shop.yaml," in done.stdout
    assert "1 drifted of 1" in summary

    done, _ = job.run(job.event("schedule", {"after": sha}), command="drift",
                      **{"drift-issue": "true", "fail-on-drift": "true"})
    assert done.returncode == 2 and done.outputs["drift-found"] == "true"

    assert project.cli("apply", "--auto-approve").returncode == 0
    done, _ = job.run(job.event("schedule", {"after": sha}), command="drift", **{"drift-issue": "true"})
    assert done.returncode == 0 and done.outputs["drift-found"] == "false", done.text()
    [issue] = drift_issues(api)
    assert issue["state"] == "closed" and issue["state_reason"] == "completed"
    assert any(c["issue_number"] == issue["number"] and "No drift any more" in c["body"] for c in api.comments)
    job.no_secret_anywhere()


def test_a_failed_plan_fails_the_step_annotates_and_says_so_in_the_comment(job: Job, sandbox: Sandbox,
                                                                          creds: Creds) -> None:
    project, api = job.project, job.api
    project.write_connection("shop", sandbox.base_uri, creds)
    project.edit("shop", "  displayName:", "  displayNmae:")
    sha = commit_all(project.root, "a typo")
    done, summary = job.run(job.event("pull_request", pull_request(sha)), command="plan")
    assert done.returncode == 1, done.text()
    assert (done.outputs["exit-code"], done.outputs["has-changes"]) == ("1", "false")
    line = next(n for n, text in enumerate(project.path("shop").read_text().splitlines(), 1) if "displayNmae" in text)
    assert f"::error file=connections/shop.yaml,line={line}," in done.stdout, done.stdout
    [comment] = marked(api)
    assert "### provisioner plan failed" in comment["body"] and "`connections/shop.yaml:" in comment["body"]
    assert "### provisioner plan failed" in summary
    job.no_secret_anywhere()
