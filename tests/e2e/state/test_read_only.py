"""Read-only commands never create a state file, a directory, a schema or a workspace; outside a project,
commands that need one say so. On SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import psycopg
import pytest

from provisioner.sandbox import Sandbox
from tests.integration.state.helpers import raw_sql
from tests.support.magento import Creds
from tests.support.project import Project, summary

READ_ONLY = [("plan",), ("plan", "--detailed-exitcode", "--format", "json"), ("test", "--from", "state"),
             ("state", "list"), ("state", "show", "shop"), ("state", "history"), ("state", "locks")]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Project:
    url = None if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))
    return Project.create(tmp_path, state_url=url)


def files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def tables(project: Project) -> list[str]:
    """The tables of a PostgreSQL state database ([] on SQLite: there the files say it)."""
    if not project.state_url.startswith("postgresql://"):
        return []
    with psycopg.connect(project.state_url) as conn:
        return [str(r[0]) for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]


def workspaces(project: Project) -> list[str]:
    return [str(r[0]) for r in raw_sql(project.state_url, "SELECT name FROM workspaces ORDER BY name")]


def test_read_only_commands_in_a_fresh_project_create_nothing(project: Project, sandbox: Sandbox,
                                                              creds: Creds) -> None:
    project.write_connection("shop", sandbox.base_uri, creds)
    before = files(project.root)
    runs = {args: project.cli(*args) for args in READ_ONLY}
    plan = runs[("plan",)]
    assert plan.returncode == 0, summary(plan)
    assert "connection.shop" in plan.stdout  # the first plan shows everything as a create
    assert runs[("plan", "--detailed-exitcode", "--format", "json")].returncode == 2
    for args in READ_ONLY[2:]:
        done = runs[args]
        assert done.returncode == 1, (args, summary(done))
        assert "no state exists yet" in done.stderr and "provisioner apply" in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert files(project.root) == before  # no .provisioner/, no state.db
    assert tables(project) == []  # no schema on a fresh PostgreSQL database either
    for done in runs.values():
        project.assert_no_secret(done.stdout, done.stderr)


def test_a_plan_made_before_the_workspace_existed_applies_unless_overtaken(project: Project, sandbox: Sandbox,
                                                                         creds: Creds) -> None:
    project.write_connection("shop", sandbox.base_uri, creds)
    first = project.cli("plan", "--out", "first.json")
    assert first.returncode == 0, summary(first)
    applied = project.cli("apply", "first.json")  # creates the state and the workspace, then applies
    assert applied.returncode == 0, summary(applied)
    assert sorted(project.records()) == ["connection.shop"]

    fresh = {"PROVISIONER_WORKSPACE": "fresh"}
    early = project.cli("plan", "--out", "early.json", env=fresh)
    assert early.returncode == 0, summary(early)
    assert workspaces(project) == ["default"]  # planning for "fresh" created nothing
    other = project.cli("apply", "--auto-approve", env=fresh)  # someone else applies first
    assert other.returncode == 0, summary(other)
    late = project.cli("apply", "early.json", env=fresh)
    assert late.returncode == 1, summary(late)
    assert "stale plan" in late.stderr and "create connection.shop" in late.stderr
    assert workspaces(project) == ["default", "fresh"]


def test_a_workspace_typo_names_the_workspaces_and_creates_nothing(project: Project, sandbox: Sandbox,
                                                                  creds: Creds) -> None:
    project.write_connection("shop", sandbox.base_uri, creds)
    assert project.cli("apply", "--auto-approve").returncode == 0
    for args in (("state", "list", "-w", "prdo"), ("state", "history", "-w", "prdo"),
                 ("test", "--from", "state", "--workspace", "prdo")):
        done = project.cli(*args)
        assert done.returncode == 1, summary(done)
        assert "workspace prdo does not exist" in done.stderr and "existing workspaces: default" in done.stderr
    typo = project.cli("plan", "--detailed-exitcode", env={"PROVISIONER_WORKSPACE": "prdo"})
    assert typo.returncode == 2, summary(typo)  # a plan for a new workspace: everything is a create
    assert workspaces(project) == ["default"]


@pytest.mark.parametrize("args", [("plan",), ("apply", "--auto-approve"), ("test",), ("test", "--from", "state"),
                                  ("state", "list"), ("state", "history")])
def test_outside_a_project_commands_say_no_provisioner_yaml(cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"PROVISIONER_STATE_KEY": base64.b64encode(os.urandom(32)).decode(), "PROVISIONER_STATE_URL": ""}
    done = cli(list(args), cwd=empty, env=env)
    assert done.returncode == 1, done.stderr
    assert "no provisioner.yaml found in" in done.stderr and "provisioner init" in done.stderr
    assert "state key" not in done.stderr
    assert list(empty.iterdir()) == []


def test_outside_a_project_validate_and_schema_still_work(cli, tmp_path: Path) -> None:
    (tmp_path / "agent.yaml").write_text(
        "apiVersion: provisioner/v1\nkind: Agent\nmetadata:\n  name: dc1\nspec:\n  displayName: DC 1\n")
    validated = cli(["validate", "agent.yaml"], cwd=tmp_path)
    assert "no provisioner.yaml" not in validated.stderr and "Traceback" not in validated.stderr
    schema = cli(["schema"], cwd=tmp_path)
    assert schema.returncode == 0, schema.stderr
