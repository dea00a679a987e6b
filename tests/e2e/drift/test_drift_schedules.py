"""The schedules of docs/drift.md, run as written: the real ``provisioner drift`` in a project, then the
recipe's own shell keeps one issue — opened when drift is found, updated while it lasts, closed when back in
sync — and an error fails the job without touching the issue.

GitHub: the ``run:`` scripts of the two steps under bash (as Actions runs them: ``-eo pipefail``), with
``GITHUB_OUTPUT``/``GITHUB_STEP_SUMMARY`` files and a ``gh`` stand-in. GitLab: the job's script after the
install lines, with the real curl and jq against a loopback stand-in of GitLab's issues API.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.e2e.drift.schedules import fake_gh, gh_issues, gitlab_issues
from tests.support.magento import Creds
from tests.support.project import Project, summary

DOC = Path(__file__).resolve().parents[3] / "docs" / "drift.md"


def recipes() -> list[dict]:
    text = DOC.read_text(encoding="utf-8")
    return [YAML(typ="safe").load(b) for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.S)]


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def project(tmp_path, sandbox, creds) -> Project:
    project = Project.create(tmp_path)
    project.write_connection("shop", sandbox.base_uri, creds)
    done = project.cli("apply", "--auto-approve")
    assert done.returncode == 0, summary(done)
    return project


def job_env(project: Project, path_first: Path | None = None, **extra: str) -> dict[str, str]:
    """The job's environment: the state URL and key, no SOPS key, ``provisioner`` on PATH."""
    env = {k: v for k, v in project.env.items() if k != "SOPS_AGE_KEY_FILE"}
    path = [str(Path(sys.executable).parent), os.environ.get("PATH", "")]
    env["PATH"] = os.pathsep.join([str(path_first), *path] if path_first else path)
    env["NO_COLOR"] = "1"
    return {**env, **extra}


def test_the_github_recipe_opens_updates_and_closes_one_issue(project, tmp_path):
    steps = recipes()[0]["jobs"]["drift"]["steps"]
    drift_step = next(s for s in steps if s.get("id") == "drift")
    issue_step = steps[-1]
    gh = fake_gh(tmp_path / "gh")

    def nightly(**overrides: str) -> subprocess.CompletedProcess[str]:
        output, step_summary = tmp_path / "github_output", tmp_path / "step_summary"
        output.write_text("", encoding="utf-8")
        env = job_env(project, GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(step_summary), **overrides)
        done = bash(drift_step["run"], project.root, env)
        if done.returncode != 0:
            return done
        code = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").split())["code"]
        return bash(issue_step["run"], project.root, job_env(project, gh, GH_TOKEN="t", CODE=code))

    assert nightly().returncode == 0 and gh_issues(gh) == []  # in sync: no issue

    project.edit("shop", "timeoutSeconds: 30", "timeoutSeconds: 60")
    done = nightly()
    assert done.returncode == 0, summary(done)
    (issue,) = gh_issues(gh)
    assert issue["title"] == "Drift detected" and issue["state"] == "open"
    assert "unapplied" in issue["body"] and "connection.shop" in issue["body"]
    assert "spec.advanced.timeoutSeconds" in issue["body"]
    assert issue["body"] in (tmp_path / "step_summary").read_text(encoding="utf-8")

    project.write_connection("later", "http://127.0.0.1:9/rest", Creds.fresh("CANARY"))  # drift grows
    assert nightly().returncode == 0
    (issue,) = gh_issues(gh)  # the same issue, its body updated
    assert issue["state"] == "open" and "connection.later" in issue["body"]

    broken = nightly(PROVISIONER_STATE_KEY="AAAA")  # an error fails the job, the issue stays as it was
    assert broken.returncode == 1, summary(broken)
    assert gh_issues(gh) == [issue]

    project.delete("later")
    applied = project.cli("apply", "--auto-approve")
    assert applied.returncode == 0, summary(applied)
    assert nightly().returncode == 0
    (closed,) = gh_issues(gh)
    assert closed["state"] == "closed" and closed["number"] == issue["number"]
    assert (gh / "calls").read_text(encoding="utf-8").split("\n").count("issue create") == 1
    project.assert_no_secret(issue["body"], closed["body"])


def test_the_gitlab_recipe_opens_updates_and_closes_one_issue(project):
    script = recipes()[1]["drift"]["script"]
    assert script[0].startswith("pip install") and script[1].startswith("apt-get")
    body = "\n".join(script[2:])

    with gitlab_issues(token="glpat-test") as gitlab:
        def nightly(**overrides: str) -> subprocess.CompletedProcess[str]:
            env = job_env(project, CI_API_V4_URL=gitlab.api, CI_PROJECT_ID=gitlab.project_id,
                          DRIFT_ISSUE_TOKEN=gitlab.token, **overrides)
            return bash(body, project.root, env)

        assert nightly().returncode == 0 and gitlab.issues == []

        project.edit("shop", "timeoutSeconds: 30", "timeoutSeconds: 60")
        done = nightly()
        assert done.returncode == 0, summary(done)
        (issue,) = gitlab.issues
        assert issue["title"] == "Drift detected" and issue["state"] == "opened"
        assert "spec.advanced.timeoutSeconds" in str(issue["description"])
        assert str(issue["description"]) == (project.root / "drift.md").read_text(encoding="utf-8")

        project.edit("shop", "timeoutSeconds: 60", "timeoutSeconds: 61")
        project.write_connection("later", "http://127.0.0.1:9/rest", Creds.fresh("CANARY"))
        assert nightly().returncode == 0
        (issue,) = gitlab.issues
        assert issue["state"] == "opened" and "connection.later" in str(issue["description"])

        broken = nightly(PROVISIONER_STATE_KEY="AAAA")
        assert broken.returncode == 1, summary(broken)
        assert [i["state"] for i in gitlab.issues] == ["opened"]

        project.delete("later")
        applied = project.cli("apply", "--auto-approve")
        assert applied.returncode == 0, summary(applied)
        assert nightly().returncode == 0
        (closed,) = gitlab.issues
        assert closed["state"] == "closed"
        project.assert_no_secret(str(closed["description"]))

