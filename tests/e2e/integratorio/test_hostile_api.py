"""Hostile answers through the CLI: one connection's bad answer fails that item only (never a traceback), and a
next link to another origin is not followed by ``drift --all-remote`` (a note says so): the API token never leaves
target.url."""

from __future__ import annotations

import json

from tests.e2e.integratorio.conftest import World
from tests.support.integratorio_server import running_integratorio
from tests.support.project import summary


def test_a_deeply_nested_create_answer_fails_that_connection_only(world: World):
    project, account = world.project, world.account
    project.write_connection("shop", world.sandbox.base_uri, world.creds)
    world.write_bearer("tokens", world.creds.access_token)
    account.script(201, b"[" * 100_000, method="POST", path="/v1/connections")  # whichever create comes first
    done = project.cli("apply", "--auto-approve", "--format", "json")
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stdout + done.stderr, summary(done)
    assert done.returncode == 1, summary(done)
    assert len(project.records()) == 1, summary(done)  # the other connection was applied
    failed = [i for i in json.loads(done.stdout)["items"] if i["status"] == "failed"]
    assert len(failed) == 1 and "the answer's JSON is nested too deeply" in failed[0]["detail"], summary(done)
    project.assert_no_secret(done.stdout, done.stderr)

    again = project.cli("apply", "--auto-approve")  # the hostile answer created nothing: the next run converges
    assert again.returncode == 0, summary(again)
    assert set(project.records()) == {"connection.shop", "connection.tokens"} and len(account.connections) == 2


def test_a_next_link_to_another_origin_is_not_followed_by_drift_and_the_token_stays_home(world: World):
    project, account = world.project, world.account
    project.write_connection("shop", world.sandbox.base_uri, world.creds)
    assert project.cli("apply", "--auto-approve").returncode == 0
    with running_integratorio() as (other, elsewhere):
        page = json.dumps([{"_id": "5f" + "0" * 22, "name": "x", "type": "http"}]).encode()
        account.script(200, page, headers={"Link": f'<{other.origin}/v1/connections?after=x>; rel="next"'})
        done = project.cli("drift", "--no-test", "--all-remote", "--format", "json")
        assert "Traceback" not in done.stderr, summary(done)
        report = json.loads(done.stdout)
        notes = report["notes"]  # drift reports what it could not read back as a note
        assert any("next page's link points to another origin" in n for n in notes), summary(done)
        # and "in sync" cannot be said of an account it could not list: exit 1, not 0
        assert done.returncode == 1 and report["unread"] == ["*"] and not report["drifted"], summary(done)
        assert elsewhere.requests() == []
    project.assert_no_secret(done.stdout, done.stderr)
