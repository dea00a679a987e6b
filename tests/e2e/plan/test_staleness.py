"""A reviewed plan file is applied exactly, or refused as stale, through the real CLI.

State written after the plan, a file edited after the plan, a plan applied twice: refused with
exit 1 and a message naming what moved, nothing applied. Unchanged: applied. Deletes happen only
from a plan made with --allow-delete.
"""

from __future__ import annotations

import json

import pytest

from provisioner.sandbox import Sandbox
from tests.support.project import Project, summary


@pytest.fixture
def project(tmp_path, sandbox: Sandbox, creds):
    project = Project.create(tmp_path)
    for name in ("alpha", "beta"):
        project.write_connection(name, sandbox.base_uri, creds)
    return project


def test_state_written_after_the_plan_refuses_it_naming_the_writes(project):
    planned = project.cli("plan", "--out", "plan.json")
    assert planned.returncode == 0, summary(planned)
    other = project.cli("apply", "--auto-approve", "--target", "beta")  # someone else applies meanwhile
    assert other.returncode == 0, summary(other)

    stale = project.cli("apply", "plan.json")
    assert stale.returncode == 1, summary(stale)
    _, history = project.cli_json("state", "history", "--format", "json")
    (write,) = [e for e in history["entries"] if e["action"] == "create"]
    assert "stale plan" in stale.stderr
    assert "serial 0 then, 1 now" in stale.stderr
    assert f"serial 1: create connection.beta by {write['actor']}" in stale.stderr
    assert "provisioner plan" in stale.stderr  # the hint: plan again
    assert sorted(project.records()) == ["connection.beta"]  # alpha was not applied
    project.assert_no_secret(stale.stdout, stale.stderr)


def test_file_edited_after_the_plan_refuses_it_naming_the_file(project):
    assert project.cli("plan", "--out", "plan.json").returncode == 0
    project.edit("alpha", "timeoutSeconds: 30", "timeoutSeconds: 10")

    stale = project.cli("apply", "plan.json")
    assert stale.returncode == 1, summary(stale)
    assert "connections/alpha.yaml: connection.alpha was edited after the plan" in stale.stderr
    assert "beta" not in stale.stderr
    assert project.records() == {}


def test_unchanged_plan_is_applied_once_and_refused_the_second_time(project):
    planned = project.cli("plan", "--out", "plan.json", "--detailed-exitcode")
    assert planned.returncode == 2, summary(planned)
    assert "apply exactly it with: provisioner apply plan.json" in planned.stdout

    applied = project.cli("apply", "plan.json")
    assert applied.returncode == 0, summary(applied)
    assert "Apply complete: 2 applied" in applied.stdout
    assert sorted(project.records()) == ["connection.alpha", "connection.beta"]

    again = project.cli("apply", "plan.json")
    assert again.returncode == 1, summary(again)
    assert "stale plan" in again.stderr and "serial 0 then, 2 now" in again.stderr
    assert "create connection.alpha" in again.stderr and "create connection.beta" in again.stderr
    assert project.cli("plan", "--detailed-exitcode").returncode == 0


def test_a_removed_file_is_deleted_only_by_a_plan_made_with_allow_delete(project):
    assert project.cli("apply", "--auto-approve").returncode == 0
    project.delete("beta")

    shown = project.cli("plan", "--detailed-exitcode")
    assert "- connection.beta  # no longer declared" in shown.stdout, summary(shown)
    assert "not applied: this plan was made without --allow-delete" in shown.stdout
    assert shown.returncode == 2  # apply would not delete, but files and state differ: a PR pipeline must see it

    kept = project.cli("apply", "--auto-approve")
    assert kept.returncode == 0, summary(kept)
    assert ("No changes. Nothing to apply. Kept 1 no longer declared (deletes need --allow-delete): "
            "connection.beta.") in kept.stdout
    assert "connection.beta" in project.records()

    planned = project.cli("plan", "--allow-delete", "--out", "plan.json", "--detailed-exitcode")
    assert planned.returncode == 2, summary(planned)
    change = next(c for c in json.loads((project.root / "plan.json").read_text())["changes"]
                  if c["address"] == "connection.beta")
    assert change["action"] == "delete" and change["blocked"] is None
    deleted = project.cli("apply", "plan.json")
    assert deleted.returncode == 0, summary(deleted)
    assert "deleted  delete  connection.beta" in deleted.stdout
    assert sorted(project.records()) == ["connection.alpha"]
    _, history = project.cli_json("state", "history", "--format", "json")
    assert [e["action"] for e in history["entries"] if e["address"] == "connection.beta"] == ["create", "delete"]
