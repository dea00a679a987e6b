"""Canary secrets through every plan output: human, JSON, markdown (stdout and --markdown FILE),
the plan file, exit codes of --detailed-exitcode, and the argv of every sops call."""

from __future__ import annotations

import dataclasses
import json

from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from tests.support.magento import Creds, token
from tests.support.project import Project, connection_text, summary
from tests.support.sops import make_age_key, write_encrypted


def test_no_secret_in_any_plan_output_and_exit_codes_follow_the_contract(tmp_path):
    project = Project.create(tmp_path)
    creds = Creds.fresh("CANARY")
    with running_sandbox(SandboxConfig((creds.integration(),), magento=MagentoVersion.ANY)) as sb:
        project.write_connection("kept", sb.base_uri, creds)
        project.write_connection("signed", sb.base_uri, creds, method="RSA-SHA256")
        project.write_connection("dropped", sb.base_uri, creds)
        first = project.cli("apply", "--auto-approve")
        assert first.returncode == 0, summary(first)

        rotated = dataclasses.replace(creds, token_secret=token("CANARY"))
        project.write_connection("kept", sb.base_uri, rotated)
        project.write_connection("fresh", sb.base_uri, Creds.fresh("CANARY"))
        project.delete("dropped")
        project.spy_sops()

        human = project.cli("plan")
        as_json = project.cli("plan", "--format", "json")
        as_markdown = project.cli("plan", "--format", "markdown")
        files = project.cli("plan", "--detailed-exitcode", "--out", "plan.json", "--markdown", "plan.md")

    assert human.returncode == 0, summary(human)
    assert "~ connection.kept  (connections/kept.yaml)  # 1 secret changed" in human.stdout
    assert "~ spec.auth.tokenSecret: (sensitive value changed)" in human.stdout
    assert "+ spec.auth.accessToken: (sensitive value)" in human.stdout  # the new one
    assert "- connection.dropped" in human.stdout
    assert "not applied: this plan was made without --allow-delete" in human.stdout
    assert "Plan: 1 to create, 1 to update, 1 to delete (1 not applied without --allow-delete), 1 unchanged." \
        in human.stdout
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["summary"]["create"] == 1
    assert as_markdown.returncode == 0 and "| `~` | `connection.kept` | update |" in as_markdown.stdout
    assert files.returncode == 2, summary(files)
    plan_file = (project.root / "plan.json").read_text(encoding="utf-8")
    markdown_file = (project.root / "plan.md").read_text(encoding="utf-8")
    assert json.loads(plan_file)["has_changes"] is True
    assert markdown_file == as_markdown.stdout

    sops_log = project.sops_log()
    assert len(project.sops_calls()) == 4 * 2  # each plan decrypts the rotated and the new file, nothing else
    assert project.env["PROVISIONER_STATE_KEY"] not in sops_log  # the state key never reaches sops
    project.assert_no_secret(first.stdout, first.stderr, human.stdout, human.stderr, as_json.stdout,
                             as_json.stderr, as_markdown.stdout, as_markdown.stderr, files.stdout, files.stderr,
                             plan_file, markdown_file, sops_log)


def test_detailed_exitcode_is_0_without_changes_and_1_on_errors(tmp_path):
    project = Project.create(tmp_path)
    creds = Creds.fresh("CANARY")
    project.write_connection("shop", "https://shop.example.com/rest", creds)
    assert project.cli("apply", "--auto-approve", "--skip-test").returncode == 0
    nothing = project.cli("plan", "--detailed-exitcode")
    assert nothing.returncode == 0, summary(nothing)
    assert "No changes. 1 up to date." in nothing.stdout

    # a file the project's key cannot open (encrypted for someone else), holding canaries too
    stranger = Creds.fresh("CANARY")
    project.secrets |= {stranger.consumer_secret, stranger.access_token, stranger.token_secret}
    write_encrypted(project.path("stranger"), connection_text("stranger", "https://shop.example.com/rest", stranger),
                    make_age_key(tmp_path / "other").recipient)
    undecryptable = project.cli("plan", "--detailed-exitcode", "--out", "plan.json")
    assert undecryptable.returncode == 1, summary(undecryptable)
    assert "stranger.yaml" in undecryptable.stderr and "Traceback" not in undecryptable.stderr
    assert not (project.root / "plan.json").exists()

    project.delete("stranger")
    project.edit("shop", "signatureMethod: HMAC-SHA256", "signatureMethod: HMAC-MD5")
    invalid = project.cli("plan", "--detailed-exitcode")
    assert invalid.returncode == 1, summary(invalid)
    assert "shop.yaml" in invalid.stderr and "signatureMethod" in invalid.stderr
    project.assert_no_secret(nothing.stdout, nothing.stderr, undecryptable.stdout, undecryptable.stderr,
                             invalid.stdout, invalid.stderr)
