"""The whole cycle into integrator.io (the contract server): an HMAC-SHA256, a bearer and an on-premise connection."""

from __future__ import annotations

from tests.e2e.integratorio.conftest import World
from tests.support.integratorio_server import MASK
from tests.support.magento import token
from tests.support.project import summary


def test_plan_apply_plan_again(world: World):
    project, account = world.project, world.account
    dc1 = account.add_agent("dc1", reach=world.agent_url)
    project.write_agent("dc1", token("CANARY"), world.agent_url)
    project.write_connection("shop", world.sandbox.base_uri, world.creds)
    project.write_connection("plant", world.private_base_uri, world.creds, agent="dc1")
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

    # a non-secret field edited "in the UI": plan shows it as modified remotely, drift exits 2, apply restores it
    shop_id = str(ids["connection.shop"])
    account.ui_edit(shop_id, "name", "Renamed in the UI")
    plan = project.cli("plan", "--detailed-exitcode")
    outs.append(plan)
    assert plan.returncode == 2, summary(plan)
    assert "modified remotely (by ui-user@example.com, at " in plan.stdout, summary(plan)
    assert "Renamed in the UI" in plan.stdout
    drift = project.cli("drift", "--no-test", "--format", "json")
    outs.append(drift)
    assert drift.returncode == 2, summary(drift)
    assert '"modified-remotely"' in drift.stdout, summary(drift)
    restored = project.cli("apply", "--auto-approve")
    outs.append(restored)
    assert restored.returncode == 0, summary(restored)
    assert account.stored(shop_id)["name"] == "Magento shop"
    assert account.stored(shop_id)["http"]["auth"]["oauth"]["oauth1"]["consumerSecret"] == world.creds.consumer_secret
    assert project.cli("plan", "--detailed-exitcode").returncode == 0

    # a secret rotated in the files: one PUT carrying the new secret, never the mask
    puts_before = len(account.requests("PUT"))
    world.write_bearer("tokens", world.rotated.access_token)
    rotated = project.cli("apply", "--auto-approve")
    outs.append(rotated)
    assert rotated.returncode == 0, summary(rotated)
    puts = account.requests("PUT")[puts_before:]
    assert [p.path for p in puts] == [f"/v1/connections/{ids['connection.tokens']}"]
    assert puts[0].body["http"]["auth"]["token"]["token"] == world.rotated.access_token

    # a delete: held back without --allow-delete, refused while a flow uses it, done once it is free
    project.delete("tokens")
    held = project.cli("apply", "--auto-approve")
    outs.append(held)
    assert str(ids["connection.tokens"]) in account.connections and not account.requests("DELETE")
    account.add_dependency(str(ids["connection.tokens"]), "flows", "Nightly orders")
    refused = project.cli("apply", "--auto-approve", "--allow-delete")
    outs.append(refused)
    assert refused.returncode != 0, summary(refused)
    assert "still used by: flows Nightly orders" in refused.stdout, summary(refused)
    assert str(ids["connection.tokens"]) in account.connections and "connection.tokens" in project.records()
    account.clear_dependencies(str(ids["connection.tokens"]))
    deleted = project.cli("apply", "--auto-approve", "--allow-delete")
    outs.append(deleted)
    assert deleted.returncode == 0, summary(deleted)
    assert str(ids["connection.tokens"]) not in account.connections and "connection.tokens" not in project.records()

    project.assert_no_secret(*(o.stdout for o in outs), *(o.stderr for o in outs))
    assert MASK not in world.everything_sent()
    assert all(r.authorization == f"Bearer {account.token}" for r in account.requests() if r.path != "/v1/tokenInfo")
    state_bytes = b"".join(f.read_bytes() for f in (project.root / ".provisioner").glob("state.db*"))
    assert state_bytes
    assert account.token.encode() not in state_bytes  # the API token is never stored


def test_an_offline_agent_fails_only_its_connection_and_nothing_is_created_for_it(world: World):
    """integrator.io reaches an on-premise shop only through the agent: offline, its ping fails remotely."""
    project, account = world.project, world.account
    dc1 = account.add_agent("dc1", reach=world.agent_url)
    account.agent_offline(dc1)
    project.write_agent("dc1", token("CANARY"), world.agent_url)  # our own probe still goes through it
    project.write_connection("plant", world.private_base_uri, world.creds, agent="dc1")
    project.write_connection("shop", world.sandbox.base_uri, world.creds)

    applied = project.cli("apply", "--auto-approve")
    assert applied.returncode != 0, summary(applied)
    assert "the on-premise agent is offline in integrator.io" in applied.stdout, summary(applied)
    names = sorted(c["name"] for c in account.connections.values())
    assert names == ["Magento shop"], names  # the cloud connection landed; the on-premise one did not
    assert "connection.plant" not in project.records() and "connection.shop" in project.records()
    project.assert_no_secret(applied.stdout, applied.stderr)

    account.agent_reach[dc1] = world.agent_url  # the agent is back: the next run converges
    again = project.cli("apply", "--auto-approve")
    assert again.returncode == 0, summary(again)
    assert sorted(c["name"] for c in account.connections.values()) == ["Magento plant", "Magento shop"]
    assert project.cli("plan", "--detailed-exitcode").returncode == 0
