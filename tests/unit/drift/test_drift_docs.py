"""The schedules in docs/drift.md are YAML that GitHub and GitLab accept in shape: one job, on a schedule,
that runs drift with the state key only and keeps one issue."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

DOC = Path(__file__).resolve().parents[3] / "docs" / "drift.md"


def blocks() -> list[dict]:
    text = DOC.read_text(encoding="utf-8")
    return [YAML(typ="safe").load(b) for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.S)]


def test_the_github_workflow_runs_on_a_schedule_with_the_state_key_only():
    workflow = blocks()[0]
    assert workflow["on"]["schedule"][0]["cron"]
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}
    steps = workflow["jobs"]["drift"]["steps"]
    run = next(s for s in steps if s.get("id") == "drift")
    assert set(run["env"]) == {"PROVISIONER_STATE_URL", "PROVISIONER_STATE_KEY"}
    assert "provisioner drift --format markdown" in run["run"]
    assert {"run": "pip install connection-provisioner"} in steps  # the distribution's name on PyPI
    issue = steps[-1]["run"]
    assert "gh issue edit" in issue and "gh issue create" in issue and "gh issue close" in issue


def test_the_gitlab_job_runs_only_from_a_schedule():
    job = blocks()[1]["drift"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    script = "\n".join(job["script"])
    assert job["script"][0] == "pip install connection-provisioner"
    assert "provisioner drift --format markdown" in script and "SOPS" not in script
    assert "-X POST" in script and "-X PUT" in script and "state_event=close" in script
