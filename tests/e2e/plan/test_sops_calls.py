"""``plan`` decrypts only the files whose secrets changed: sops calls counted through the real CLI.

50 connections are applied to the state; a plan with nothing edited runs sops 0 times; after one
file's secrets are rotated, another file is re-encrypted with the same values and a third has a
plain field edited, the plan runs sops exactly twice, on exactly the two re-encrypted files.
"""

from __future__ import annotations

import dataclasses
import json

from tests.support.magento import Creds, token
from tests.support.project import Project, summary

BASE_URI = "https://shop.example.com/rest"  # never contacted: the setup applies with --skip-test
COUNT = 50


def test_plan_runs_sops_only_for_the_files_whose_secrets_changed(tmp_path):
    project = Project.create(tmp_path)
    creds = Creds.fresh("CANARY")
    names = [f"shop-{i:02d}" for i in range(COUNT)]
    project.write_connections(names, BASE_URI, creds)
    project.spy_sops()

    applied = project.cli("apply", "--auto-approve", "--skip-test")
    assert applied.returncode == 0, summary(applied)
    assert len(project.records()) == COUNT
    assert len(project.sops_calls("decrypt")) == COUNT  # the first apply decrypts every new file once

    project.reset_sops_log()
    unchanged = project.cli("plan", "--detailed-exitcode")
    assert unchanged.returncode == 0, summary(unchanged)
    assert f"No changes. {COUNT} up to date." in unchanged.stdout
    assert project.sops_calls() == []

    rotated = dataclasses.replace(creds, access_token=token("CANARY"), token_secret=token("CANARY"))
    project.write_connection("shop-07", BASE_URI, rotated)  # secrets rotated: re-encrypted
    project.write_connection("shop-33", BASE_URI, creds)  # same values re-encrypted: new ciphertexts
    project.edit("shop-41", "timeoutSeconds: 30", "timeoutSeconds: 45")  # a plain field: no sops needed
    project.reset_sops_log()
    changed = project.cli("plan", "--detailed-exitcode", "--format", "json")
    assert changed.returncode == 2, summary(changed)
    calls = project.sops_calls()
    assert len(calls) == 2, calls
    assert sorted(c[-1].rsplit("/", 1)[-1] for c in calls) == ["shop-07.yaml", "shop-33.yaml"]
    plan = json.loads(changed.stdout)
    actionable = {c["name"]: c for c in plan["changes"] if c["action"] != "no-op"}
    assert sorted(actionable) == ["shop-07", "shop-33", "shop-41"]
    assert actionable["shop-07"]["sensitive_changed"] == ["spec.auth.accessToken", "spec.auth.tokenSecret"]
    # same values, new ciphertexts: nothing to show, but applying it records the new ciphertext digests
    assert actionable["shop-33"]["reason"] == "secrets re-encrypted, values unchanged"
    assert actionable["shop-33"]["fields"] == [] and actionable["shop-33"]["sensitive_changed"] == []
    assert actionable["shop-41"]["fields"] == [
        {"path": "spec.advanced.timeoutSeconds", "before": 30, "after": 45}]
    assert plan["summary"] == {"create": 0, "update": 3, "delete": 0, "noop": COUNT - 3, "blocked": 0}
    assert "decrypted 2 file(s)" in changed.stderr

    # apply decrypts each file it commits once: the plan inside it decrypts shop-07 and shop-33,
    # then apply needs shop-41's secrets to commit it
    project.reset_sops_log()
    done = project.cli("apply", "--auto-approve", "--skip-test")
    assert done.returncode == 0, summary(done)
    assert sorted(c[-1].rsplit("/", 1)[-1] for c in project.sops_calls()) == [
        "shop-07.yaml", "shop-33.yaml", "shop-41.yaml"]
    assert project.unseal("connection.shop-07")["spec.auth.accessToken"] == rotated.access_token

    project.reset_sops_log()
    again = project.cli("plan", "--detailed-exitcode")
    assert again.returncode == 0, summary(again)
    assert project.sops_calls() == []  # every new ciphertext was recorded by the apply
    log = project.sops_log()
    project.assert_no_secret(log, applied.stdout, applied.stderr, changed.stdout, changed.stderr)
