"""Plan and drift read integrator.io back: deleted remotely -> missing-remotely and a create; --all-remote."""

from __future__ import annotations

import json

from tests.e2e.integratorio.conftest import World
from tests.support.project import summary


def statuses(world: World, *args: str) -> tuple[int, dict[str, str]]:
    done = world.project.cli("drift", "--no-test", "--format", "json", *args)
    world.project.assert_no_secret(done.stdout, done.stderr)
    document = json.loads(done.stdout)
    return done.returncode, {i["address"]: i["status"] for i in document["items"]}


def test_deleted_remotely_is_missing_remotely_and_plans_as_a_create(world: World):
    project, account = world.project, world.account
    project.write_connection("shop", world.sandbox.base_uri, world.creds)
    assert project.cli("apply", "--auto-approve").returncode == 0
    (first_id,) = account.connections
    assert statuses(world) == (0, {"connection.shop": "in-sync"})

    account.ui_delete(first_id)
    assert statuses(world) == (2, {"connection.shop": "missing-remotely"})
    plan = project.cli("plan", "--detailed-exitcode")
    assert plan.returncode == 2 and "deleted remotely" in plan.stdout, summary(plan)
    applied = project.cli("apply", "--auto-approve")
    assert applied.returncode == 0, summary(applied)
    (second_id,) = account.connections
    assert second_id != first_id and project.records()["connection.shop"].target_outputs["remote_id"] == second_id
    assert statuses(world) == (0, {"connection.shop": "in-sync"})


def test_all_remote_lists_connections_no_declaration_manages(world: World):
    project, account = world.project, world.account
    project.write_connection("shop", world.sandbox.base_uri, world.creds)
    assert project.cli("apply", "--auto-approve").returncode == 0
    for n in range(3):  # more than a page (the server pages by 2): Link rel="next" is followed
        account.connections[f"{n:024x}"] = {"_id": f"{n:024x}", "name": f"made in the UI {n}", "type": "http",
                                            "http": {"baseURI": "https://elsewhere/rest", "mediaType": "json"}}
    assert statuses(world) == (0, {"connection.shop": "in-sync"})
    code, found = statuses(world, "--all-remote")
    assert code == 2
    assert found == {"connection.shop": "in-sync", **{f"remote.{n:024x}": "undeclared-remote" for n in range(3)}}
