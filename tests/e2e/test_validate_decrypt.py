"""``provisioner validate --decrypt`` end to end: init, then validate with decryption; failures; the canary."""

from __future__ import annotations

import json
import re

from tests.support.argv_spy import write_argv_spy
from tests.support.sops import connection_yaml, isolated_env

CANARY = "CANARY-7d1e5b3a9c0f2468ace13579b"  # 32 characters


def test_init_then_validate_decrypt_passes_with_no_manual_step(tmp_path, cli):
    home, project = tmp_path / "home", tmp_path / "shop"
    env = isolated_env(home)  # no SOPS_* at all: the key is found through provisioner.yaml
    assert cli(["init", str(project)], env=env).returncode == 0
    done = cli(["validate", "--decrypt", "--format", "json"], cwd=project, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    payload = json.loads(done.stdout)
    assert payload["decrypted"] is True and payload["errors"] == 0 and payload["warnings"] == 0
    assert payload["declarations"] == ["connection.example"]


def test_without_the_key_validate_passes_and_validate_decrypt_names_recipients(tmp_path, cli):
    home, project = tmp_path / "home", tmp_path / "shop"
    assert cli(["init", str(project)], env=isolated_env(home)).returncode == 0
    (project / "provisioner.yaml").write_text("paths: [connections]\n")  # forget where the key is
    env = isolated_env(tmp_path / "other-home")
    assert cli(["validate"], cwd=project, env=env).returncode == 0
    done = cli(["validate", "--decrypt"], cwd=project, env=env)
    assert done.returncode == 1
    assert "error[sops.no-key]" in done.stdout and "connections/example.yaml" in done.stdout
    recipient = re.search(r"age1[0-9a-z]{58}", (project / ".sops.yaml").read_text())
    assert recipient and recipient.group(0) in done.stdout
    assert "SOPS_AGE_KEY_FILE" in done.stdout


def test_tampered_secret_fails_validate_decrypt(tmp_path, cli, encrypt_file, sops_env):
    path = encrypt_file(tmp_path / "connections" / "shop.yaml", connection_yaml("shop"))
    text = path.read_text().replace("tokenSecret: ENC[AES256_GCM,data:", "tokenSecret: ENC[AES256_GCM,data:QQ")
    path.write_text(text)
    done = cli(["validate", "--decrypt", "connections"], cwd=tmp_path, env=sops_env)
    assert done.returncode == 1
    assert "connections/shop.yaml: error[sops.tampered]" in done.stdout


def test_structural_errors_skip_decryption(tmp_path, cli, encrypt_file, sops_env):
    encrypt_file(tmp_path / "connections" / "shop.yaml", connection_yaml("shop", method="HMAC-MD5"))
    spy, log = write_argv_spy(tmp_path / "spy")
    done = cli(["validate", "--decrypt", "connections"], cwd=tmp_path, env={**sops_env, "SOPS_BIN": str(spy)})
    assert done.returncode == 1
    assert "secrets.skipped" in done.stdout
    assert not log.exists()


def test_secret_value_checks_run_after_decryption(tmp_path, cli, encrypt_file, sops_env):
    encrypt_file(tmp_path / "connections" / "shop.yaml", connection_yaml("shop", access_token="short"))
    done = cli(["validate", "--decrypt", "connections"], cwd=tmp_path, env=sops_env)
    assert done.returncode == 0, done.stdout
    assert "warning[secret.token-length]" in done.stdout and "spec.auth.accessToken" in done.stdout


def test_canary_validate_decrypt(tmp_path, cli, encrypt_file, sops_env):
    """A known secret never reaches stdout, stderr, files written, or any sops argv/environment."""
    project, tmp = tmp_path / "p", tmp_path / "tmp"
    tmp.mkdir()
    encrypt_file(project / "connections" / "ok.yaml", connection_yaml("ok", access_token=CANARY))
    encrypt_file(project / "connections" / "weak.yaml", connection_yaml("weak", consumer_secret=CANARY[:20]))
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    spy, log = write_argv_spy(tmp_path / "spy")
    env = {**sops_env, "SOPS_BIN": str(spy), "TMPDIR": str(tmp)}
    for fmt in ("human", "json", "github"):
        done = cli(["validate", "--decrypt", "--format", fmt], cwd=project, env=env)
        assert done.returncode == 0, done.stdout
        assert "secret.token-length" in done.stdout
        for value in (CANARY, CANARY[:20]):
            assert value not in done.stdout and value not in done.stderr
    assert log.read_text().count("--- argv") == 6
    after = {p: p.read_bytes() for root in (project, tmp) for p in root.rglob("*") if p.is_file()}
    assert after == before  # validate writes nothing
    for value in (CANARY, CANARY[:20]):
        assert value not in log.read_text()
