"""The GitLab CI template's jobs, run as the runner runs them, against a sandbox project and a Notes API stand-in."""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioner.sandbox import Sandbox
from tests.e2e.integrations.conftest import commit_all
from tests.e2e.integrations.gitlab_runner import job, load, run_job
from tests.support.cli import REPO_ROOT, run_cli
from tests.support.gitlab_api import GitLabApi
from tests.support.magento import Creds
from tests.support.project import Project

TEMPLATE = REPO_ROOT / "examples" / "gitlab" / "provisioner.gitlab-ci.yml"
TOKEN = "glpat-CANARYtoken0123456789abcdef"
PROJECT_ID, IID = 42, 3
MARKER = "<!-- provisioner-plan:default -->"


@pytest.fixture
def gitlab() -> Iterator[GitLabApi]:
    api = GitLabApi(PROJECT_ID, TOKEN)
    api.add_merge_request(IID)
    api.add_note(IID, "added 1 commit", system=True)
    for n in range(130):  # the note will sit on the second page of the listing
        api.add_note(IID, f"comment {n}", author="reviewer")
    with api.running():
        yield api


def ci_env(project: Project, api: GitLabApi, action_dir: Path, runner_temp: Path, sha: str, **extra: str,
           ) -> dict[str, str]:
    base = {k: v for k, v in project.env.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    base["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    return {**base, "CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": str(project.root),
            "CI_API_V4_URL": api.base_url + "/api/v4", "CI_PROJECT_ID": str(PROJECT_ID), "CI_COMMIT_SHA": sha,
            "CI_PIPELINE_URL": "https://gitlab.example.com/acme/shop/-/pipelines/9",
            "PROVISIONER_INSTALL": str(action_dir),  # the template's pip requirement, pointed at this checkout
            "PROVISIONER_VENV": str(runner_temp / "connection-provisioner" / "local"),
            "PROVISIONER_GITLAB_TOKEN": TOKEN, **extra}


def marked(api: GitLabApi) -> list[dict[str, object]]:
    return [n for n in api.notes_on(IID) if str(n["body"]).startswith(MARKER)]


@pytest.mark.slow
def test_plan_note_and_terraform_report(tmp_path: Path, gitlab: GitLabApi, sandbox: Sandbox, creds: Creds,
                                        action_dir: Path, runner_temp: Path) -> None:
    project = Project.create(tmp_path)
    project.write_connection("shop", sandbox.base_uri, creds)
    sha = commit_all(project.root, "add shop")
    report = project.root / "provisioner-plan.json"
    mr = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": str(IID)}
    texts: list[str] = []

    def plan(sha: str) -> None:
        done = run_job(TEMPLATE, "provisioner-plan", project.root,
                       ci_env(project, gitlab, action_dir, runner_temp, sha, **mr))
        texts.extend([done.stdout, done.stderr, report.read_text()])
        assert done.returncode == 0, done.stdout + done.stderr

    plan(sha)
    assert json.loads(report.read_text()) == {"create": 1, "update": 0, "delete": 0}
    [note] = marked(gitlab)
    assert "`connection.shop`" in note["body"] and f"commit `{sha[:12]}`" in str(note["body"])

    project.write_connection("erp", sandbox.base_uri, creds)
    sha2 = commit_all(project.root, "add erp")
    plan(sha2)
    assert json.loads(report.read_text()) == {"create": 2, "update": 0, "delete": 0}
    [again] = marked(gitlab)
    assert again["id"] == note["id"] and "2 to create" in str(again["body"])
    assert len(gitlab.notes_on(IID)) == 132
    assert [c.method for c in gitlab.calls if c.method != "GET"] == ["POST", "PUT"]
    assert all(c.headers.get("private-token") == TOKEN for c in gitlab.calls)

    push = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"}
    done = run_job(TEMPLATE, "provisioner-apply", project.root,
                   ci_env(project, gitlab, action_dir, runner_temp, sha2, **push))
    texts += [done.stdout, done.stderr]
    assert done.returncode == 0, done.stdout + done.stderr
    assert set(project.records()) == {"connection.shop", "connection.erp"}

    plan(sha2)
    assert json.loads(report.read_text()) == {"create": 0, "update": 0, "delete": 0}
    [last] = marked(gitlab)
    assert last["id"] == note["id"] and "No changes." in str(last["body"])

    schedule = ci_env(project, gitlab, action_dir, runner_temp, sha2, CI_PIPELINE_SOURCE="schedule")
    done = run_job(TEMPLATE, "provisioner-drift", project.root, schedule)
    texts += [done.stdout, done.stderr]
    assert done.returncode == 0 and "Drift: 2 in-sync" in done.stdout, done.stdout + done.stderr
    project.edit("shop", "timeoutSeconds: 30", "timeoutSeconds: 60")
    done = run_job(TEMPLATE, "provisioner-drift", project.root, schedule)
    texts += [done.stdout, done.stderr]
    # exit 2 is the template's allow_failure exit code: a warning, not a failed pipeline
    assert done.returncode == 2 and "unapplied" in done.stdout, done.stdout + done.stderr
    assert "unapplied" in (project.root / "drift.md").read_text()
    sent = [json.dumps(c.body) for c in gitlab.calls]
    project.assert_no_secret(*texts, *(str(n["body"]) for n in gitlab.notes), *sent)
    assert all(TOKEN not in t for t in texts)


def test_rules_keep_secrets_from_forks_and_apply_on_the_default_branch() -> None:
    ci = load(TEMPLATE)
    plan_rules = [r["if"] for r in job(ci, "provisioner-plan")["rules"]]
    assert plan_rules == ['$CI_PIPELINE_SOURCE == "merge_request_event" && '
                          "$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_MERGE_REQUEST_PROJECT_ID"]
    assert [r["if"] for r in job(ci, "provisioner-apply")["rules"]] == [
        '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"']
    assert job(ci, "provisioner-apply")["resource_group"]
    assert job(ci, "provisioner-plan")["artifacts"]["reports"]["terraform"] == "provisioner-plan.json"
    assert job(ci, "provisioner-validate")["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert job(ci, "provisioner-drift")["allow_failure"] == {"exit_codes": [2]}


def test_the_example_pins_this_version() -> None:
    version = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    example = (REPO_ROOT / "examples" / "gitlab" / ".gitlab-ci.yml").read_text()
    assert f'PROVISIONER_INSTALL: "connection-provisioner=={version}"' in example


def gitlab_format_supported() -> bool:
    done = run_cli(["validate", "--help"])
    return "gitlab" in done.stdout


@pytest.mark.slow
def test_validate_job_writes_a_code_quality_report(tmp_path: Path, gitlab: GitLabApi, action_dir: Path,
                                                   runner_temp: Path) -> None:
    """GitLab's format (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format): a list of
    issues with description, check_name, fingerprint, severity and location.path / location.lines.begin."""
    if not gitlab_format_supported():
        pytest.skip("validate --format gitlab is not built on this branch yet (issue 13, i13core)")
    project = Project.create(tmp_path)
    plain = (Path(__file__).parent / "shop.plain.yaml").read_text(encoding="utf-8")
    project.secrets |= {line.split(": ")[1] for line in plain.splitlines() if "CANARY" in line}
    project.path("leak").write_text(plain.replace("name: shop", "name: leak"), encoding="utf-8")
    sha = commit_all(project.root, "a plaintext secret")
    env = ci_env(project, gitlab, action_dir, runner_temp, sha, CI_PIPELINE_SOURCE="merge_request_event",
                 CI_MERGE_REQUEST_IID=str(IID))
    done = run_job(TEMPLATE, "provisioner-validate", project.root, env)
    assert done.returncode == 1, done.stdout + done.stderr
    text = (project.root / "gl-code-quality-report.json").read_text()
    report = json.loads(text)
    line = next(n for n, t in enumerate(project.path("leak").read_text().splitlines(), 1) if "consumerSecret" in t)
    assert isinstance(report, list) and report
    for issue in report:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
    assert any(i["location"]["path"] == "connections/leak.yaml" and i["location"]["lines"]["begin"] == line
               for i in report)
    assert len({i["fingerprint"] for i in report}) == len(report)
    project.assert_no_secret(text, done.stdout, done.stderr)
