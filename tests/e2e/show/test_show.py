"""``provisioner show PLANFILE``: the saved plan as ``plan`` rendered it; stale: a banner, exit 0; edited: refused."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.support.cli import run_cli_inprocess
from tests.support.magento import token
from tests.support.project import Project, summary


@pytest.fixture(params=["sqlite", "postgresql"])
def project(request, tmp_path, sandbox, creds):
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    project = Project.create(tmp_path, state_url=url)
    project.write_connection("shop", sandbox.base_uri, creds)
    project.write_connection("other", sandbox.base_uri, creds)
    applied = run(project, "apply", "--auto-approve")
    assert applied.returncode == 0, summary(applied)
    project.edit("shop", "timeoutSeconds: 30", "timeoutSeconds: 60")
    project.write_connection("new", sandbox.base_uri, creds)
    return project


def run(project, *args):
    return run_cli_inprocess(list(args), cwd=project.root, env=project.env)


def test_a_fresh_plan_shows_as_plan_showed_it(project):
    planned = run(project, "plan", "--out", "plan.json")
    assert planned.returncode == 0, summary(planned)
    for fmt in ("human", "markdown"):
        plan = run(project, "plan", "--format", fmt)
        shown = run(project, "show", "plan.json", "--format", fmt)
        assert shown.returncode == 0, summary(shown)
        assert shown.stdout == plan.stdout
        assert "stale" not in shown.stdout
    shown = run(project, "show", "plan.json", "--format", "json")
    document = json.loads(shown.stdout)
    saved = json.loads((project.root / "plan.json").read_text(encoding="utf-8"))
    saved.pop("mac")
    assert {k: v for k, v in document.items() if k not in ("stale", "stale_reasons", "files_checked",
                                                           "files_note")} == saved
    assert document["stale"] is False and document["stale_reasons"] == [] and document["files_checked"] is True
    project.assert_no_secret(planned.stdout, planned.stderr, shown.stdout, shown.stderr)


def test_a_stale_plan_shows_with_a_banner_and_exits_0(project):
    assert run(project, "plan", "--out", "plan.json").returncode == 0
    fresh = run(project, "show", "plan.json").stdout
    applied = run(project, "apply", "--auto-approve", "--target", "new")  # the state moves on
    assert applied.returncode == 0, summary(applied)
    project.edit("other", "timeoutSeconds: 30", "timeoutSeconds: 45")  # and a file changes

    shown = run(project, "show", "plan.json")
    assert shown.returncode == 0, summary(shown)
    assert shown.stdout.startswith("This plan is stale: `provisioner apply` would refuse it.\n")
    assert "- the state changed since the plan (serial 2 then, 3 now)" in shown.stdout
    assert "- serial 3: create connection.new by " in shown.stdout
    assert "connections/other.yaml: connection.other was edited after the plan" in shown.stdout
    assert shown.stdout.endswith(fresh)  # the plan itself, exactly as before

    refused = run(project, "apply", "plan.json")  # what the banner said, apply says
    assert refused.returncode == 1 and "stale plan" in refused.stderr
    assert "connection.other was edited after the plan" in refused.stderr

    document = json.loads(run(project, "show", "plan.json", "-f", "json").stdout)
    assert document["stale"] is True and len(document["stale_reasons"]) == 3
    markdown = run(project, "show", "plan.json", "-f", "markdown").stdout
    assert markdown.startswith("> **This plan is stale")
    project.assert_no_secret(shown.stdout, shown.stderr, markdown, json.dumps(document))


def test_without_the_sops_key_the_state_is_still_checked(project):
    assert run(project, "plan", "--out", "plan.json").returncode == 0
    no_key = {**project.env, "SOPS_AGE_KEY_FILE": str(project.root.parent / "no-such.agekey")}
    shown = run_cli_inprocess(["show", "plan.json"], cwd=project.root, env=no_key)
    assert shown.returncode == 0, summary(shown)
    assert shown.stdout.startswith("Only the state was checked: ")


def test_an_edited_plan_file_is_refused(project):
    assert run(project, "plan", "--out", "plan.json").returncode == 0
    path = project.root / "plan.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"timeoutSeconds": 60', '"timeoutSeconds": 61'),
                    encoding="utf-8")
    for fmt in ("human", "json"):
        shown = run(project, "show", "plan.json", "--format", fmt)
        assert shown.returncode == 1, summary(shown)
        assert "plan-file-modified" in shown.stdout + shown.stderr
    missing = run(project, "show", "nope.json")
    assert missing.returncode == 1 and "no such plan file" in missing.stderr


def test_no_secret_in_any_show_output(project, sandbox, creds):
    """Every format of a fresh, a stale, an edited and a missing plan; the plan file itself. A secret rotated
    in the files since (a new CANARY token secret) is in the plan only as "(sensitive value changed)"."""
    project.write_connection("other", sandbox.base_uri, dataclasses.replace(creds, token_secret=token("CANARY")))
    assert run(project, "plan", "--out", "plan.json").returncode == 0
    texts = [(project.root / "plan.json").read_text(encoding="utf-8")]
    formats = ("human", "json", "markdown")

    def show_all(expected: int, plan: str = "plan.json") -> None:
        for fmt in formats:
            shown = run(project, "show", plan, "--format", fmt)
            assert shown.returncode == expected, summary(shown)
            texts.extend((shown.stdout, shown.stderr))

    show_all(0)
    assert any("(sensitive value changed)" in t for t in texts)
    assert run(project, "apply", "--auto-approve", "--target", "new").returncode == 0
    show_all(0)  # stale
    assert any(t.startswith("This plan is stale") for t in texts)
    show_all(1, "missing.json")
    path = project.root / "plan.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"timeoutSeconds": 60', '"timeoutSeconds": 61'),
                    encoding="utf-8")
    show_all(1)  # edited
    project.assert_no_secret(*texts)
