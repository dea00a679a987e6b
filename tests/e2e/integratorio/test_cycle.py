"""The whole cycle into integrator.io (the contract server) for an HMAC-SHA256, a bearer and an on-premise connection."""

from __future__ import annotations

from tests.e2e.integratorio.conftest import World
from tests.support.integratorio_server import MASK
from tests.support.magento import token
from tests.support.project import summary


def test_plan_apply_plan_again(world: World):
    project, account = world.project, world.account
    dc1 = account.add_agent("dc1")
    project.write_agent("dc1", token("CANARY"), world.proxy_url)
    project.write_connection("shop", world.sandbox.base_uri, world.creds)
    project.write_connection("plant", world.sandbox.base_uri, world.creds, agent="dc1")
    world.write_bearer("tokens", world.creds.access_token)
    outs = []

    plan = project.cli("plan", "--detailed-exitcode")
    outs.append(plan)
    assert plan.returncode == 2, summary(plan)
    applied = project.cli("apply", "--auto-approve")
    outs.append(applied)
    assert applied.returncode == 0, summary(applied)
    assert len(account.requests("POST", "/v1/connections/ping")) == 3
    assert len(account.requests("POST", "/v1/connections")) == 3 + 3  # 3 pings, 3 creates
    ids = {a: world.outputs(a)["remote_id"] for a in ("connection.shop", "connection.plant", "connection.tokens")}
    assert set(ids.values()) == set(account.connections)
    assert world.outputs("agent.dc1") == {"remote_id": dc1}
    stored = account.stored(str(ids["connection.plant"]))
    assert stored["_agentId"] == dc1 and stored["assistant"] == "magento"
    shop = account.stored(str(ids["connection.shop"]))
    assert shop["http"]["auth"]["oauth"]["oauth1"]["signatureMethod"] == "hmac-sha256"
    assert shop["http"]["auth"]["oauth"]["oauth1"]["tokenSecret"] == world.creds.token_secret
    assert account.stored(str(ids["connection.tokens"]))["http"]["auth"]["token"]["token"] == world.creds.access_token

    again = project.cli("plan", "--detailed-exitcode")
    outs.append(again)
    assert again.returncode == 0, summary(again)

    project.assert_no_secret(*(o.stdout for o in outs), *(o.stderr for o in outs))
    assert MASK not in world.everything_sent()
