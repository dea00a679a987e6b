"""with_secrets: only the secret fields change; what the file set stays exactly what it set."""

from __future__ import annotations

from provisioner.declarations.models import Agent, Connection
from provisioner.secrets.resolve import with_secrets


def test_replaces_secrets_and_keeps_fields_set():
    conn = Connection.model_validate({
        "apiVersion": "provisioner/v1", "kind": "Connection", "metadata": {"name": "shop"},
        "spec": {"application": "magento2", "auth": {
            "type": "oauth1", "baseUri": "https://s.example.com/rest", "signatureMethod": "RSA-SHA256",
            "consumerKey": "k", "accessToken": "ENC[a]", "consumerPrivateKey": "ENC[b]"}}})
    out = with_secrets(conn, {"spec.auth.accessToken": "Q7zz-canary", "spec.auth.consumerPrivateKey": "pem"})
    assert isinstance(out, Connection)
    auth = out.spec.auth
    assert auth.accessToken.get_secret_value() == "Q7zz-canary"
    assert auth.consumerPrivateKey is not None and auth.consumerPrivateKey.get_secret_value() == "pem"
    assert auth.model_fields_set == conn.spec.auth.model_fields_set
    assert out.spec.model_fields_set == conn.spec.model_fields_set
    assert conn.spec.auth.accessToken.get_secret_value() == "ENC[a]"  # the input is not mutated
    assert "Q7zz-canary" not in repr(out)


def test_agent_token():
    agent = Agent.model_validate({"apiVersion": "provisioner/v1", "kind": "Agent", "metadata": {"name": "dc1"},
                                  "spec": {"accessToken": "ENC[x]"}})
    out = with_secrets(agent, {"spec.accessToken": "v"})
    assert isinstance(out, Agent) and out.spec.accessToken.get_secret_value() == "v"
