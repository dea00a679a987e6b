"""The whole plan/apply cycle through the real CLI, on SQLite and on PostgreSQL.

create -> plan shows nothing -> update a plain field -> rotate a secret (Magento re-authorised
the integration: the old tokens stop working) -> `test --from state` passes with the new values
-> delete without and with --allow-delete -> nothing left to do.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from tests.support.magento import Creds, token
from tests.support.project import Project, summary


@pytest.fixture(params=["sqlite", "postgresql"])
def project(request, tmp_path):
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    return Project.create(tmp_path, state_url=url)


def magento(*integrations, port=0):
    return running_sandbox(SandboxConfig(tuple(integrations), magento=MagentoVersion.ANY, port=port))


def test_create_update_rotate_delete(project):
    shop, signed = Creds.fresh("CANARY"), Creds.fresh("CANARY")
    with magento(shop.integration("erp"), signed.integration("pim")) as sb:
        base_uri, port = sb.base_uri, sb.port
        project.write_connection("shop", base_uri, shop)
        project.write_connection("signed", base_uri, signed, method="RSA-SHA256")

        created = project.cli("apply", "--auto-approve")
        assert created.returncode == 0, summary(created)
        assert "Apply complete: 2 applied, 0 deleted, 0 failed" in created.stdout
        records = project.records()
        assert sorted(records) == ["connection.shop", "connection.signed"]
        assert {r.last_test["outcome"] for r in records.values()} == {"ok"}
        assert project.unseal("connection.signed")["spec.auth.consumerPrivateKey"].strip() == \
            shop.keys.private_pem.strip()

        again = project.cli("plan", "--detailed-exitcode")
        assert again.returncode == 0, summary(again)
        assert "No changes. 2 up to date." in again.stdout

        project.edit("shop", "timeoutSeconds: 30", "timeoutSeconds: 60")
        updated = project.cli("apply", "--auto-approve")
        assert updated.returncode == 0, summary(updated)
        assert "~ spec.advanced.timeoutSeconds: 30 -> 60" in updated.stdout
        assert "applied  update  connection.shop | test: ok" in updated.stdout
        assert project.records()["connection.shop"].spec["spec"]["advanced"]["timeoutSeconds"] == 60

    # Magento re-authorises the integration: new access token and token secret, old ones refused
    rotated = dataclasses.replace(shop, access_token=token("CANARY"), token_secret=token("CANARY"))
    with magento(rotated.integration("erp"), signed.integration("pim"), port=port):
        before = project.cli("test", "--from", "state", "shop")
        assert before.returncode == 1, summary(before)  # the state still holds the old tokens

        project.write_connection("shop", base_uri, rotated, timeout_seconds=60)
        plan = project.cli("plan", "--detailed-exitcode")
        assert plan.returncode == 2, summary(plan)
        assert "~ spec.auth.accessToken: (sensitive value changed)" in plan.stdout
        assert "~ spec.auth.tokenSecret: (sensitive value changed)" in plan.stdout
        assert "consumerSecret" not in plan.stdout  # same value, new ciphertext: not a change

        applied = project.cli("apply", "--auto-approve")
        assert applied.returncode == 0, summary(applied)
        assert "Apply complete: 1 applied" in applied.stdout
        assert project.unseal("connection.shop")["spec.auth.tokenSecret"] == rotated.token_secret
        after = project.cli("test", "--from", "state")
        assert after.returncode == 0, summary(after)

        project.delete("signed")
        kept = project.cli("apply", "--auto-approve")
        assert kept.returncode == 0, summary(kept)
        assert "Kept 1 no longer declared (deletes need --allow-delete): connection.signed" in kept.stdout
        assert "connection.signed" in project.records()

        deleted = project.cli("apply", "--auto-approve", "--allow-delete")
        assert deleted.returncode == 0, summary(deleted)
        assert "deleted  delete  connection.signed" in deleted.stdout
        assert sorted(project.records()) == ["connection.shop"]

        final = project.cli("plan", "--detailed-exitcode")
        assert final.returncode == 0, summary(final)

    _, history = project.cli_json("state", "history", "--format", "json")
    writes = [(e["action"], e["address"]) for e in history["entries"] if e["action"] != "test"]
    assert sorted(writes[:2]) == [("create", "connection.shop"), ("create", "connection.signed")]  # in parallel
    assert writes[2:] == [("update", "connection.shop"), ("update", "connection.shop"),
                          ("delete", "connection.signed")]
    shown = project.cli("state", "show", "shop", "--format", "json")
    assert json.loads(shown.stdout)["last_test"]["outcome"] == "ok"
    project.assert_no_secret(created.stdout, created.stderr, updated.stdout, applied.stdout, applied.stderr,
                             after.stdout, after.stderr, before.stdout, json.dumps(history), shown.stdout)
