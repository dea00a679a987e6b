"""An on-premise connection is tested through its Agent's proxyUrl; apply commits the agent first.

The agent is a forwarding HTTP proxy on loopback (tests/support/proxy.py) in front of the sandbox.
"""

from __future__ import annotations

from tests.support.magento import token
from tests.support.project import Project, summary
from tests.support.proxy import forwarding_proxy


def test_agent_committed_before_the_connection_tested_through_it(tmp_path, sandbox, creds):
    project = Project.create(tmp_path)
    with forwarding_proxy() as (proxy_url, seen):
        project.write_agent("dc1", token("CANARY"), proxy_url)
        project.write_connection("plant", sandbox.base_uri, creds, agent="dc1")
        project.write_connection("cloud", sandbox.base_uri, creds)

        applied = project.cli("apply", "--auto-approve")
        assert applied.returncode == 0, summary(applied)
        assert seen == ["/rest/V1/store/storeConfigs"]  # only the on-premise connection went through it
        records = project.records()
        assert sorted(records) == ["agent.dc1", "connection.cloud", "connection.plant"]
        assert records["agent.dc1"].serial < records["connection.plant"].serial
        lines = [line for line in applied.stdout.splitlines() if line.startswith("applied")]
        assert lines[0].startswith("applied  create  agent.dc1")

        # later, only the connection changes: its agent is in the state, unchanged, and still used
        project.edit("plant", "timeoutSeconds: 30", "timeoutSeconds: 20")
        targeted = project.cli("apply", "--auto-approve", "--target", "plant")
        assert targeted.returncode == 0, summary(targeted)
        assert "applied  update  connection.plant | test: ok" in targeted.stdout
        assert len(seen) == 2

        tested = project.cli("test", "--from", "state", "plant")
        assert tested.returncode == 0, summary(tested)
        assert len(seen) == 3
    project.assert_no_secret(applied.stdout, applied.stderr, targeted.stdout, targeted.stderr, tested.stdout)


def test_a_connection_whose_agent_proxy_is_down_is_not_committed(tmp_path, sandbox, creds):
    project = Project.create(tmp_path)
    project.write_agent("dc1", token("CANARY"), "http://127.0.0.1:9")  # nothing listens there
    project.write_connection("plant", sandbox.base_uri, creds, agent="dc1")

    applied = project.cli("apply", "--auto-approve")
    assert applied.returncode == 1, summary(applied)
    assert "failed   create  connection.plant | test: unreachable" in applied.stdout
    assert sorted(project.records()) == ["agent.dc1"]
