"""Putting a state record and its unsealed secrets back together as a typed resource."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from provisioner.commands.probe_sources import resource_from_record
from provisioner.declarations.models import Agent, Connection
from provisioner.errors import StateError
from provisioner.state.records import Record


def rec(kind, name, spec):
    document = {"apiVersion": "provisioner/v1", "kind": kind, "metadata": {"name": name}, "spec": spec}
    return Record(address=f"{kind.lower()}.{name}", kind=kind, name=name, spec=document, fingerprints={},
                  sops_digests={}, last_test=None, applied_at=datetime.now(UTC), applied_by="t", git_commit=None,
                  serial=1)


def test_connection_and_agent_come_back_with_their_secrets():
    spec = {"application": "magento2", "mode": "on-premise", "agent": "dc1",
            "auth": {"type": "token", "baseUri": "https://shop.example.com/rest"}}
    conn = resource_from_record(rec("Connection", "shop", spec), {"spec.auth.accessToken": "tok-value"})
    agent = resource_from_record(rec("Agent", "dc1", {"proxyUrl": "http://127.0.0.1:3128"}),
                                 {"spec.accessToken": "agent-value"})
    assert isinstance(conn, Connection) and conn.spec.auth.accessToken.get_secret_value() == "tok-value"
    assert isinstance(agent, Agent) and agent.spec.proxyUrl == "http://127.0.0.1:3128"
    assert agent.spec.accessToken.get_secret_value() == "agent-value"


def test_a_record_that_is_not_a_valid_connection_names_fields_not_values():
    spec = {"application": "magento2", "auth": {"type": "oauth1", "baseUri": "https://x/rest"}}
    with pytest.raises(StateError) as caught:
        resource_from_record(rec("Connection", "shop", spec), {"spec.auth.accessToken": "secret-canary-value"})
    assert "connection.shop" in caught.value.message
    assert "secret-canary-value" not in caught.value.message
