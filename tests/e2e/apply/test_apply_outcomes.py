"""What a user sees from apply: partial failure, --skip-test, no confirmation without a TTY, the JSON report.

Real sops, the real sandbox on loopback, a real SQLite state; every output searched for canaries.
"""

from __future__ import annotations

import json

from provisioner.sandbox import Sandbox
from tests.support.magento import Creds, token
from tests.support.project import Project, summary


def test_a_failing_connection_is_not_committed_and_is_planned_again(tmp_path, sandbox: Sandbox, creds):
    project = Project.create(tmp_path)
    for name in ("good-1", "good-2"):
        project.write_connection(name, sandbox.base_uri, creds)
    project.write_connection("bad", sandbox.base_uri, creds, consumer_secret=token("CANARY"))  # wrong secret

    applied = project.cli("apply", "--auto-approve", "--parallelism", "3")
    assert applied.returncode == 1, summary(applied)
    failed = next(line for line in applied.stdout.splitlines() if line.startswith("failed"))
    assert "create  connection.bad | test: unauthorized" in failed
    assert "The signature is invalid" in failed
    assert "hint:" in applied.stdout
    summary_lines = applied.stdout.split("Apply incomplete: 2 applied, 0 deleted, 1 failed, 0 errors, 0 skipped")[1]
    assert "failed connection.bad: unauthorized: The signature is invalid" in summary_lines  # named again at the end
    assert "hint: the signature did not verify: check consumerSecret and tokenSecret" in summary_lines
    assert sorted(project.records()) == ["connection.good-1", "connection.good-2"]

    _, history = project.cli_json("state", "history", "--format", "json")
    assert {"action": "test", "address": "connection.bad", "outcome": "failed", "detail": "unauthorized"} \
        .items() <= next(e for e in history["entries"] if e["address"] == "connection.bad").items()

    replanned = project.cli("plan", "--detailed-exitcode", "--format", "json")
    assert replanned.returncode == 2, summary(replanned)
    assert [(c["address"], c["action"]) for c in json.loads(replanned.stdout)["changes"]
            if c["action"] != "no-op"] == [("connection.bad", "create")]

    project.write_connection("bad", sandbox.base_uri, creds)  # the right secret this time
    fixed = project.cli("apply", "--auto-approve")
    assert fixed.returncode == 0, summary(fixed)
    assert len(project.records()) == 3
    project.assert_no_secret(applied.stdout, applied.stderr, replanned.stdout, json.dumps(history))


def test_json_report_and_history_hold_no_secret(tmp_path, sandbox: Sandbox, creds):
    project = Project.create(tmp_path)
    project.write_connection("good", sandbox.base_uri, creds)
    project.write_connection("bad", sandbox.base_uri, creds, consumer_secret=token("CANARY"))

    done, report = project.cli_json("apply", "--auto-approve", "--format", "json")
    assert done.returncode == 1, summary(done)
    assert report["ok"] is False and report["counts"]["applied"] == 1 and report["counts"]["failed"] == 1
    items = {i["address"]: i for i in report["items"]}
    assert items["connection.good"]["status"] == "applied" and items["connection.good"]["test"]["outcome"] == "ok"
    assert items["connection.bad"]["status"] == "failed"
    assert items["connection.bad"]["test"]["outcome"] == "unauthorized"
    assert items["connection.bad"]["test"]["hint"]
    assert "Plan:" in done.stderr  # the plan goes to stderr so stdout stays one JSON document

    nothing, empty = project.cli_json("apply", "--auto-approve", "--format", "json", "--target", "good")
    assert nothing.returncode == 0 and empty == {"format_version": 1, "ok": True, "applied": False,
                                                 "message": "No changes. Nothing to apply.", "items": []}

    history = project.cli("state", "history", "--format", "json")
    human_history = project.cli("state", "history")
    shown = project.cli("state", "show", "good", "--format", "json")
    listed = project.cli("state", "list")
    for out in (history, human_history, shown, listed):
        assert out.returncode == 0, summary(out)
    project.assert_no_secret(done.stdout, done.stderr, nothing.stdout, nothing.stderr, history.stdout,
                             human_history.stdout, shown.stdout, listed.stdout)
    db = (project.root / ".provisioner" / "state.db").read_bytes()
    for secret in project.secrets:
        assert secret.encode() not in db  # sealed, never in clear


def test_skip_test_commits_untested_and_state_show_says_so(tmp_path):
    project = Project.create(tmp_path)
    project.write_connection("offline", "http://127.0.0.1:9/rest", Creds.fresh("CANARY"))  # nothing listens

    done = project.cli("apply", "--auto-approve", "--skip-test")
    assert done.returncode == 0, summary(done)
    assert "applied  create  connection.offline | test: untested" in done.stdout
    shown = project.cli("state", "show", "offline")
    assert '"outcome": "untested"' in shown.stdout and "committed with --skip-test" in shown.stdout, summary(shown)
    assert project.cli("state", "list").stdout.rstrip().endswith("test untested")
    tested = project.cli("test", "--from", "state")
    assert tested.returncode == 1  # the state may say untested; the test says unreachable
    assert "unreachable" in tested.stdout


def test_apply_without_plan_file_or_terminal_refuses_without_auto_approve(tmp_path, sandbox: Sandbox, creds):
    project = Project.create(tmp_path)
    project.write_connection("shop", sandbox.base_uri, creds)

    refused = project.cli("apply", input_text="yes\n")  # stdin is a pipe, not a terminal
    assert refused.returncode == 1, summary(refused)
    assert "refusing to apply without confirmation: no terminal to ask on" in refused.stderr
    assert "--auto-approve" in refused.stderr and "provisioner apply plan.json" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert project.records() == {}
    with project.store() as store:
        assert store.locks() == []  # the lease was released
    project.assert_no_secret(refused.stdout, refused.stderr)
