"""One tampered record does not block the workspace: plan, test --from state and list work for the rest and
name it; apply refuses only it, until `state quarantine`. And git children never see the keys."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from provisioner.sandbox import Sandbox
from tests.integration.state.helpers import raw_sql
from tests.integration.state.tamper import copy_row, drop_triggers, restore_row, restore_triggers
from tests.support.magento import Creds
from tests.support.project import Project, summary


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Project:
    url = None if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))
    return Project.create(tmp_path, state_url=url)


def test_a_rolled_back_record_is_named_and_the_others_keep_working(project: Project, sandbox: Sandbox,
                                                                   creds: Creds) -> None:
    project.write_connection("shop", sandbox.base_uri, creds)
    project.write_connection("b2b", sandbox.base_uri, creds)
    assert project.cli("apply", "--auto-approve").returncode == 0
    old = copy_row(project.state_url, "connection.shop")
    project.write_connection("shop", sandbox.base_uri, creds)  # rotated: new ciphertexts, an update
    assert project.cli("apply", "--auto-approve").returncode == 0
    restore_row(project.state_url, "connection.shop", old)  # one row rolled back, with its old valid MAC

    planned = project.cli("plan")
    assert planned.returncode == 0, summary(planned)
    assert "connection.shop" in planned.stderr + planned.stdout and "integrity check" in planned.stderr
    tested = project.cli("test", "--from", "state")
    assert tested.returncode == 0, summary(tested)
    assert " b2b " in tested.stdout and "shop" not in tested.stdout and "record connection.shop" in tested.stderr
    listed = project.cli("state", "list")
    assert "connection.shop  TAMPERED: older" in listed.stdout, summary(listed)
    applied = project.cli("apply", "--auto-approve")
    assert applied.returncode != 0 and "connection.shop" in applied.stdout + applied.stderr, summary(applied)
    assert "refused until it is quarantined or removed" in applied.stdout + applied.stderr, summary(applied)

    assert project.cli("state", "quarantine", "shop").returncode == 0
    again = project.cli("apply", "--auto-approve")
    assert again.returncode == 0, summary(again)
    clean = project.cli("plan", "--detailed-exitcode")
    assert clean.returncode == 0, summary(clean)
    assert sorted(project.records()) == ["connection.b2b", "connection.shop"]
    assert [r[0] for r in raw_sql(project.state_url, "SELECT address FROM quarantine")] == ["connection.shop"]
    for done in (planned, tested, listed, applied, again):
        project.assert_no_secret(done.stdout, done.stderr)


def test_git_runs_with_an_allow_listed_environment(project: Project, sandbox: Sandbox, creds: Creds,
                                                   tmp_path: Path) -> None:
    bin_dir, dump = tmp_path / "fake-bin", tmp_path / "git-env.txt"
    bin_dir.mkdir()
    git = bin_dir / "git"
    git.write_text(f"#!/bin/sh\nenv > {dump}\necho 0123456789abcdef0123456789abcdef01234567\n")
    git.chmod(0o755)
    project.write_connection("shop", sandbox.base_uri, creds)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "SOPS_AGE_KEY": "AGE-SECRET-KEY-CANARY",
           "GITHUB_SHA": "", "CI_COMMIT_SHA": "", "SOME_API_TOKEN": "token-canary"}
    applied = project.cli("apply", "--auto-approve", env=env)
    assert applied.returncode == 0, summary(applied)
    seen = dict(line.split("=", 1) for line in dump.read_text().splitlines() if "=" in line)
    assert "PATH" in seen  # the fake git really ran, with an environment
    for name in ("PROVISIONER_STATE_KEY", "SOPS_AGE_KEY", "SOPS_AGE_KEY_FILE", "SOME_API_TOKEN",
                 "PROVISIONER_STATE_URL"):
        assert name not in seen, name
    text = dump.read_text()
    assert project.env["PROVISIONER_STATE_KEY"] not in text and "CANARY" not in text
    assert project.records()["connection.shop"].git_commit == "0123456789abcdef0123456789abcdef01234567"


def test_a_key_file_inside_the_repository_or_readable_by_others_draws_a_warning(project: Project) -> None:
    (project.root / ".git").mkdir()
    key_file = project.root / "secrets" / "state.key"
    key_file.parent.mkdir()
    key_file.write_text(base64.b64encode(project.state_key).decode() + "\n")
    key_file.chmod(0o644)
    env = {"PROVISIONER_STATE_KEY": "", "PROVISIONER_STATE_KEY_FILE": str(key_file)}
    done = project.cli("state", "list", env=env)
    assert "warning: the state key file" in done.stderr and "inside the repository" in done.stderr
    assert "readable by group or others (mode 0644)" in done.stderr
    assert "no state exists yet" in done.stderr  # a warning, not the error


def _lower_serial(project: Project) -> str:
    raw_sql(project.state_url, "UPDATE workspaces SET serial = serial - 1")
    return "its serial was lowered"


def _edit_chain(project: Project) -> str:
    raw_sql(project.state_url, "UPDATE workspaces SET chain = replace(chain, ?, ?)",
            ('"records":[[', '"records":[["x",1,"y"],['))
    return "its integrity chain was changed outside provisioner"


def _edit_history(project: Project) -> str:
    drop_triggers(project.state_url)
    raw_sql(project.state_url, "UPDATE history SET actor = 'nobody' WHERE id = (SELECT MIN(id) FROM history)")
    restore_triggers(project.state_url)
    return "history of workspace default failed its integrity check: row"


def _drop_trigger(project: Project) -> str:
    drop_triggers(project.state_url)
    return "append-only trigger(s)"


def _delete_history(project: Project) -> str:
    drop_triggers(project.state_url)
    raw_sql(project.state_url, "DELETE FROM history WHERE id = (SELECT MAX(id) FROM history)")
    restore_triggers(project.state_url)
    return "rows, the workspace chain records"


@pytest.mark.parametrize("tamper", [_lower_serial, _edit_chain, _edit_history, _drop_trigger, _delete_history])
def test_workspace_level_tampering_refuses_plan_and_apply_and_applies_nothing(
        project: Project, sandbox: Sandbox, creds: Creds, tamper: Callable[[Project], str]) -> None:
    project.write_connection("shop", sandbox.base_uri, creds)
    assert project.cli("apply", "--auto-approve").returncode == 0
    project.write_connection("b2b", sandbox.base_uri, creds)  # a change waiting to be applied
    what = tamper(project)
    before = raw_sql(project.state_url, "SELECT address, serial, mac FROM records ORDER BY address")
    for args in (("plan",), ("apply", "--auto-approve"), ("test", "--from", "state"), ("state", "history")):
        done = project.cli(*args)
        assert done.returncode == 1, (args, summary(done))
        assert what in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
        project.assert_no_secret(done.stdout, done.stderr)
    assert raw_sql(project.state_url, "SELECT address, serial, mac FROM records ORDER BY address") == before


def test_a_wrong_key_is_refused_as_such_and_applies_nothing(project: Project, sandbox: Sandbox, creds: Creds) -> None:
    project.write_connection("shop", sandbox.base_uri, creds)
    assert project.cli("apply", "--auto-approve").returncode == 0
    project.write_connection("b2b", sandbox.base_uri, creds)
    wrong = {"PROVISIONER_STATE_KEY": base64.b64encode(os.urandom(32)).decode()}
    done = project.cli("apply", "--auto-approve", env=wrong)
    assert done.returncode == 1 and "wrong state key" in done.stderr and "integrity" not in done.stderr
    assert sorted(project.records()) == ["connection.shop"]
