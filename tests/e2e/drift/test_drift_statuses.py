"""``provisioner drift`` end to end through the real CLI, on SQLite and PostgreSQL, against the sandbox:
one test per status, the recorded run (``state list``, ``state history --drift``), and a plan that stays valid.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from provisioner.applications.magento2.responses import REVOKED_HINT
from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from tests.integration.state.helpers import raw_sql
from tests.support.magento import Creds, token
from tests.support.project import Project, summary


def magento(*integrations):
    return running_sandbox(SandboxConfig(tuple(integrations), magento=MagentoVersion.ANY))


def applied(project: Project, base_uri: str, *named: tuple[str, Creds]) -> None:
    for name, creds in named:
        project.write_connection(name, base_uri, creds)
    done = project.cli("apply", "--auto-approve")
    assert done.returncode == 0, summary(done)


def drift_json(project: Project, *args: str, env: dict[str, str] | None = None):
    done = project.cli("drift", "--format", "json", *args, env=env)
    assert done.returncode in (0, 2), summary(done)
    return done, json.loads(done.stdout)


def statuses(document) -> dict[str, str]:
    return {i["address"]: i["status"] for i in document["items"]}


def test_in_sync_exits_0_and_says_so(project, sandbox, creds):
    applied(project, sandbox.base_uri, ("shop", creds))
    done = project.cli("drift")
    assert done.returncode == 0, summary(done)
    assert "in-sync" in done.stdout and "connection.shop" in done.stdout
    assert "Drift: 1 in-sync (1 checked)" in done.stdout
    _, document = drift_json(project)
    assert statuses(document) == {"connection.shop": "in-sync"}
    assert document["items"][0]["test"]["outcome"] == "ok"
    assert document["drifted"] is False and document["summary"]["in_sync"] == 1


def test_a_revoked_token_is_failing_with_class_and_hint_and_state_list_shows_it(project):
    shop, other = Creds.fresh("CANARY"), Creds.fresh("CANARY")
    with magento(shop.integration("erp"), other.integration("pim")) as sb:
        applied(project, sb.base_uri, ("shop", shop), ("other", other))
        assert project.cli("drift").returncode == 0
        sb.revoke_token("erp")  # an admin revoked the integration's token in Magento
        done = project.cli("drift")
        again, document = drift_json(project)
    assert done.returncode == 2, summary(done)
    lines = done.stdout.splitlines()
    failing = next(line for line in lines if "connection.shop" in line)
    assert failing.split()[0] == "failing" and "unauthorized" in failing
    assert "Access token has been revoked" in failing
    assert "hint:" in done.stdout and "Reauthorize" in done.stdout
    assert "new access token and token secret" in done.stdout and "declaration" in done.stdout
    assert lines.index(failing) < next(i for i, line in enumerate(lines) if "connection.other" in line)  # severe first
    assert "Drift: 1 failing, 1 in-sync (2 checked)" in done.stdout
    assert again.returncode == 2
    assert statuses(document) == {"connection.shop": "failing", "connection.other": "in-sync"}
    shop_item = document["items"][0]
    assert shop_item["test"]["outcome"] == "unauthorized" and shop_item["test"]["status_code"] == 401
    assert shop_item["test"]["message"] == "Access token has been revoked"
    assert shop_item["test"]["hint"] == REVOKED_HINT

    listed = project.cli("state", "list")
    assert listed.returncode == 0, summary(listed)
    shop_line = next(line for line in listed.stdout.splitlines() if "connection.shop" in line)
    assert "drift failing (unauthorized) since" in shop_line
    other_line = next(line for line in listed.stdout.splitlines() if "connection.other" in line)
    assert "drift in-sync" in other_line
    _, as_json = project.cli_json("state", "list", "--format", "json")
    row = next(r for r in as_json["records"] if r["address"] == "connection.shop")
    assert row["last_drift"]["status"] == "failing" and row["last_drift"]["test_class"] == "unauthorized"
    assert row["last_drift"]["failing_since"]
    first_since = row["last_drift"]["failing_since"]
    with project.store() as store:
        runs = store.drift_runs()
    assert len(runs) == 3 and runs[0].results[1].failing_since is None  # by address: other, shop; in sync first
    assert runs[1].results[1].failing_since is not None
    assert runs[2].results[1].failing_since == runs[1].results[1].failing_since  # still failing since the first
    assert first_since == runs[1].results[1].failing_since.isoformat()

    shown = project.cli("state", "show", "shop")
    assert "last drift: failing (unauthorized)" in shown.stdout, summary(shown)
    history = project.cli("state", "history", "--drift")
    assert history.returncode == 0, summary(history)
    assert history.stdout.count("drift run") == 3 and "1 failing" in history.stdout
    project.assert_no_secret(done.stdout, done.stderr, again.stdout, listed.stdout, shown.stdout, history.stdout)


def test_an_inactive_integration_is_failing_as_not_permitted(project):
    shop = Creds.fresh("CANARY")
    with magento(shop.integration("erp")) as sb:
        applied(project, sb.base_uri, ("shop", shop))
        sb.deactivate("erp")
        done, document = drift_json(project)
    assert done.returncode == 2
    (item,) = document["items"]
    assert item["status"] == "failing" and item["test"]["outcome"] == "not-permitted"
    assert item["test"]["message"] == "The consumer isn't authorized to access Magento_Backend::store."
    assert "Status there is Active" in item["test"]["hint"]
    project.assert_no_secret(done.stdout, done.stderr)


def test_a_rotated_token_is_failing_as_unknown_to_magento(project):
    """Another way to lose a token: it was replaced in Magento (Reauthorize) and the state still has the old one."""
    shop = Creds.fresh("CANARY")
    with magento(shop.integration("erp")) as sb:
        applied(project, sb.base_uri, ("shop", shop))
        rotated = dataclasses.replace(shop, access_token=token("CANARY"), token_secret=token("CANARY"))
        sb.replace_integrations((rotated.integration("erp"),))
        done = project.cli("drift")
    assert done.returncode == 2, summary(done)
    line = next(line for line in done.stdout.splitlines() if "connection.shop" in line)
    assert line.split()[0] == "failing" and "unauthorized" in line and "Specified token does not exist" in line
    project.secrets.add(rotated.access_token)
    project.secrets.add(rotated.token_secret)
    project.assert_no_secret(done.stdout, done.stderr)


def test_a_plain_edit_and_a_rotated_secret_are_unapplied_without_a_sops_key(project, sandbox, creds, no_sops_key):
    other = creds  # two connections of one integration: the sandbox knows these
    applied(project, sandbox.base_uri, ("shop", creds), ("other", other))
    project.edit("shop", "timeoutSeconds: 30", "timeoutSeconds: 60")
    project.write_connection("other", sandbox.base_uri, dataclasses.replace(other, token_secret=token("CANARY")))

    env = {k: v for k, v in no_sops_key.items() if k != "DRIFT_TEST_SOPS_MARKER"}
    done = project.cli("drift", "--no-test", env=env)
    assert done.returncode == 2, summary(done)
    by_address = {line.split()[1]: line for line in done.stdout.splitlines() if line.strip().startswith("unapplied")}
    assert "spec.advanced.timeoutSeconds" in by_address["connection.shop"]
    assert "secrets changed or re-encrypted" not in by_address["connection.shop"]
    assert "secrets changed or re-encrypted" in by_address["connection.other"]
    assert "Drift: 2 unapplied (2 checked, live tests skipped)" in done.stdout
    _, document = drift_json(project, env=env)  # with live tests: the state's credentials still work
    shop = next(i for i in document["items"] if i["address"] == "connection.shop")
    assert shop["fields"] == ["spec.advanced.timeoutSeconds"] and shop["secrets_changed"] is False
    assert shop["test"]["ok"] is True
    assert not Path(no_sops_key["DRIFT_TEST_SOPS_MARKER"]).exists(), "drift called sops"
    # the same environment really cannot decrypt: plan needs the key and fails
    plan = project.cli("plan", env=env)
    assert plan.returncode == 1 and Path(no_sops_key["DRIFT_TEST_SOPS_MARKER"]).exists()


def test_a_deleted_file_is_orphaned(project, sandbox, creds):
    applied(project, sandbox.base_uri, ("shop", creds), ("other", creds))
    project.delete("other")
    done, document = drift_json(project)
    assert done.returncode == 2
    assert statuses(document) == {"connection.other": "orphaned", "connection.shop": "in-sync"}
    human = project.cli("drift", "other")
    assert human.returncode == 2 and "orphaned" in human.stdout and "connection.shop" not in human.stdout


def test_a_record_edited_in_the_database_is_tampered(project, sandbox, creds):
    applied(project, sandbox.base_uri, ("shop", creds))
    raw_sql(project.state_url, "UPDATE records SET applied_by = 'mallory@elsewhere' WHERE address = ?",
            ("connection.shop",))
    done = project.cli("drift")
    assert done.returncode == 2, summary(done)
    line = next(line for line in done.stdout.splitlines() if "connection.shop" in line)
    assert line.split()[0] == "tampered" and "changed outside provisioner" in line
    _, document = drift_json(project, "--no-test")
    assert statuses(document) == {"connection.shop": "tampered"}


def test_a_plan_saved_before_a_drift_run_still_applies(project, sandbox, creds):
    applied(project, sandbox.base_uri, ("shop", creds))
    project.edit("shop", "timeoutSeconds: 30", "timeoutSeconds: 45")
    planned = project.cli("plan", "--out", "plan.json")
    assert planned.returncode == 0, summary(planned)
    serial = project.records()["connection.shop"].serial
    drifted = project.cli("drift")
    assert drifted.returncode == 2, summary(drifted)
    with project.store() as store:
        assert store.snapshot().serial == serial  # recording the run moved no serial
        assert len(store.drift_runs()) == 1
    done = project.cli("apply", "plan.json")
    assert done.returncode == 0, summary(done)
    assert project.cli("drift").returncode == 0
