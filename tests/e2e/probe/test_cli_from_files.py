"""``provisioner test`` (default ``--from files``): encrypted declarations, decrypted by the real sops, tested
against the real sandbox."""

from __future__ import annotations

import json

from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from tests.support.magento import Creds, token


def declaration(name: str, base_uri: str, creds: Creds, consumer_secret: str | None = None) -> str:
    return (
        f"apiVersion: provisioner/v1\nkind: Connection\nmetadata:\n  name: {name}\n"
        "spec:\n  application: magento2\n  auth:\n    type: oauth1\n"
        f"    baseUri: {base_uri}\n    signatureMethod: HMAC-SHA256\n"
        f"    consumerKey: {creds.consumer_key}\n    consumerSecret: {consumer_secret or creds.consumer_secret}\n"
        f"    accessToken: {creds.access_token}\n    tokenSecret: {creds.token_secret}\n"
    )


def test_declared_connections_are_decrypted_and_tested(tmp_path, cli, encrypt_file, sops_env):
    creds = Creds.fresh(prefix="CANARY")
    wrong = token("CANARY")
    (tmp_path / "provisioner.yaml").write_text("workspace: default\n")  # `test` without --path needs a project
    with running_sandbox(SandboxConfig((creds.integration(),), magento=MagentoVersion.V2_4_4)) as sb:
        encrypt_file(tmp_path / "connections" / "good.yaml", declaration("good", sb.base_uri, creds))
        encrypt_file(tmp_path / "connections" / "bad.yaml", declaration("bad", sb.base_uri, creds, wrong))
        human = cli(["test"], cwd=tmp_path, env=sops_env)
        as_json = cli(["test", "good", "--format", "json"], cwd=tmp_path, env=sops_env)
    assert human.returncode == 1, human.stderr
    lines = human.stdout.splitlines()
    assert any(line.startswith("FAIL bad") and "unauthorized HTTP 401" in line for line in lines)
    assert any(line.startswith("ok   good") for line in lines)
    assert as_json.returncode == 0, as_json.stderr
    assert [r["name"] for r in json.loads(as_json.stdout)["results"]] == ["good"]
    for text in (human.stdout, human.stderr, as_json.stdout, as_json.stderr):
        for secret in (creds.consumer_secret, creds.access_token, creds.token_secret, wrong):
            assert secret not in text


def test_without_the_key_the_sops_diagnostic_is_shown(tmp_path, cli, encrypt_file, sops_env):
    creds = Creds.fresh()
    (tmp_path / "provisioner.yaml").write_text("workspace: default\n")
    encrypt_file(tmp_path / "connections" / "shop.yaml", declaration("shop", "http://127.0.0.1:9/rest", creds))
    env = {k: v for k, v in sops_env.items() if k != "SOPS_AGE_KEY_FILE"}
    done = cli(["test"], cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert "sops.no-key" in done.stderr and "connections/shop.yaml" in done.stderr
    assert "Traceback" not in done.stderr
