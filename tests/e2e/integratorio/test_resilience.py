"""Being a good API citizen: 429 with Retry-After and 503 retried (and logged without a secret); a kill between
the remote create and the state commit converges without a duplicate (found again by externalId)."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys

from provisioner.apply.checkpoints import ENV_HALT_AT, ENV_HALT_FD
from tests.e2e.integratorio.conftest import World
from tests.support.cli import cli_env
from tests.support.project import summary

HANG_GUARD_S = 120


def creates(world: World) -> list[object]:
    return [r for r in world.account.requests("POST", "/v1/connections") if r.path == "/v1/connections"]


def test_429_and_503_are_retried_and_each_retry_is_logged_without_a_secret(world: World):
    project, account = world.project, world.account
    project.write_connection("shop", world.sandbox.base_uri, world.creds)
    account.inject(429, retry_after=1, path="/v1/connections")
    account.inject(503, count=2, path="/v1/connections")
    done = project.cli("apply", "--auto-approve")
    assert done.returncode == 0, summary(done)
    assert "HTTP 429, retry 1 in 1.0s" in done.stderr, summary(done)
    assert done.stderr.count("HTTP 503") == 2, summary(done)
    assert len(creates(world)) == 1 and len(account.connections) == 1
    project.assert_no_secret(done.stdout, done.stderr)


def test_a_rejected_token_stops_the_run_naming_the_variable(world: World):
    world.project.write_connection("shop", world.sandbox.base_uri, world.creds)
    world.project.env["INTEGRATORIO_API_TOKEN"] = "not-the-token"
    done = world.project.cli("apply", "--auto-approve")
    assert done.returncode != 0, summary(done)
    assert "INTEGRATORIO_API_TOKEN" in done.stderr + done.stdout and "not-the-token" not in done.stderr + done.stdout
    assert not world.account.connections


def test_a_rejected_token_stops_plan_and_drift_too_instead_of_a_plan_without_the_remote_side(world: World):
    project = world.project
    project.write_connection("shop", world.sandbox.base_uri, world.creds)
    assert project.cli("apply", "--auto-approve").returncode == 0
    project.env["INTEGRATORIO_API_TOKEN"] = "not-the-token"
    for args in (("plan", "--detailed-exitcode"), ("drift", "--no-test"), ("drift", "--no-test", "--all-remote")):
        done = project.cli(*args, "--format", "json")
        assert done.returncode == 1, (args, summary(done))
        error = json.loads(done.stdout)["error"]
        assert error["code"] == "unauthorized" and "INTEGRATORIO_API_TOKEN" in error["message"], (args, error)
        assert "not-the-token" not in done.stdout + done.stderr


def test_a_kill_after_the_remote_create_converges_without_a_duplicate(world: World):
    project, account = world.project, world.account
    project.write_connection("shop", world.sandbox.base_uri, world.creds)
    read_end, write_end = os.pipe()
    env = cli_env({**project.env, "PYTHONUNBUFFERED": "1", ENV_HALT_AT: "before-commit:1",
                   ENV_HALT_FD: str(write_end)})
    child = subprocess.Popen([sys.executable, "-m", "provisioner", "apply", "--auto-approve"], cwd=project.root,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, pass_fds=(write_end,))
    os.close(write_end)
    with os.fdopen(read_end, "rb") as announcements:
        ready, _, _ = select.select([announcements], [], [], HANG_GUARD_S)
        line = announcements.readline() if ready else b""
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate()
    assert line == b"halted before-commit:1 committed=0 started=1\n", (out, err)
    assert len(account.connections) == 1 and not project.records()  # created remotely, not in our state
    (remote_id,) = account.connections

    again = project.cli("apply", "--auto-approve")
    assert again.returncode == 0, summary(again)
    assert len(creates(world)) == 1 and list(account.connections) == [remote_id]  # no duplicate
    assert dict(project.records()["connection.shop"].target_outputs)["remote_id"] == remote_id
    assert project.cli("plan", "--detailed-exitcode").returncode == 0
    project.assert_no_secret(out, err, again.stdout, again.stderr)
