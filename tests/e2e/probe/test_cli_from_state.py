"""``provisioner test --from state``: connections applied to a real SQLite state, tested by the real CLI."""

from __future__ import annotations

import base64
import json
import os

import pytest

from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from provisioner.state import open_store
from provisioner.state.records import RecordWrite
from tests.support.magento import Creds, token


def record(name, base_uri, creds, consumer_secret=None):
    auth = {"type": "oauth1", "baseUri": base_uri, "signatureMethod": "HMAC-SHA256",
            "consumerKey": creds.consumer_key}
    secrets = {"spec.auth.accessToken": creds.access_token, "spec.auth.tokenSecret": creds.token_secret,
               "spec.auth.consumerSecret": consumer_secret or creds.consumer_secret}
    return RecordWrite(address=f"connection.{name}", kind="Connection", name=name,
                       spec={"apiVersion": "provisioner/v1", "kind": "Connection", "metadata": {"name": name},
                             "spec": {"application": "magento2", "mode": "cloud", "auth": auth}},
                       secrets=secrets, sops_digests={k: "ab" * 32 for k in secrets},
                       last_test=None, applied_by="tester")


@pytest.fixture
def state(tmp_path):
    key = os.urandom(32)
    url = f"sqlite:///{tmp_path / 'state' / 'state.db'}"
    (tmp_path / "state").mkdir()
    (tmp_path / "provisioner.yaml").write_text("workspace: default\n")  # `test --from state` needs a project
    env = {"PROVISIONER_STATE_URL": url, "PROVISIONER_STATE_KEY": base64.b64encode(key).decode()}
    return url, key, env


def test_from_state_tests_every_applied_connection(tmp_path, cli, state):
    url, key, env = state
    creds = Creds.fresh(prefix="CANARY")
    bad_secret = token("CANARY")
    with running_sandbox(SandboxConfig((creds.integration(),), magento=MagentoVersion.V2_4_4)) as sb:
        with open_store(url, workspace="default", key=key, create=True) as store:
            store.put(record("good-shop", sb.base_uri, creds), action="create", actor="tester")
            store.put(record("bad-shop", sb.base_uri, creds, bad_secret), action="create", actor="tester")
        both = cli(["test", "--from", "state"], cwd=tmp_path, env=env)
        one = cli(["test", "--from", "state", "good-shop", "--format", "json"], cwd=tmp_path, env=env)
    assert both.returncode == 1, both.stderr
    lines = both.stdout.splitlines()
    assert lines[0].startswith("FAIL bad-shop") and "unauthorized HTTP 401" in lines[0]
    assert "The signature is invalid" in lines[0]
    assert lines[2].startswith("ok   good-shop")
    assert "connections: 1 ok, 1 failed" in both.stderr
    assert one.returncode == 0, one.stderr
    payload = json.loads(one.stdout)
    assert [r["name"] for r in payload["results"]] == ["good-shop"] and payload["ok"]
    for text in (both.stdout, both.stderr, one.stdout, one.stderr):
        for secret in (creds.consumer_secret, creds.access_token, creds.token_secret, bad_secret):
            assert secret not in text


def test_from_files_without_declarations_is_a_clear_error(tmp_path, cli):
    (tmp_path / "provisioner.yaml").write_text("workspace: default\n")
    done = cli(["test", "--from", "files"], cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "connections" in done.stderr
