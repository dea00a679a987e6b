"""The real CLI in child processes: ``provisioner sandbox`` serving until SIGTERM, ``provisioner test``."""

from __future__ import annotations

import signal
import subprocess
import sys

from provisioner.probe import SessionPool, probe
from tests.support.cli import REPO_ROOT, cli_env
from tests.support.magento import Creds, target


def write_integrations(path, creds, allow_bearer=False):
    path.write_text(
        "integrations:\n"
        f"  - {{name: erp, consumerKey: {creds.consumer_key}, consumerSecret: {creds.consumer_secret},\n"
        f"     accessToken: {creds.access_token}, tokenSecret: {creds.token_secret},\n"
        f"     allowBearer: {'true' if allow_bearer else 'false'}}}\n"
    )
    return path


def start_sandbox(*args):
    """Start ``provisioner sandbox ARGS``; returns the process and the key: value lines up to ``ready``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "provisioner", "sandbox", *args], cwd=REPO_ROOT, env=cli_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    info = {}
    assert process.stdout is not None
    for line in process.stdout:
        key, _, value = line.strip().partition(": ")
        info[key] = value
        if key == "ready":
            break
    else:
        raise AssertionError(f"sandbox did not start: {process.stderr.read() if process.stderr else ''}")
    return process, info


def stop(process):
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    return process.returncode, out, err


def test_sandbox_cli_prints_base_uri_serves_and_stops_on_sigterm(tmp_path):
    creds = Creds.fresh()
    process, info = start_sandbox("--integrations", str(write_integrations(tmp_path / "i.yaml", creds)),
                                  "--port", "0", "--magento", "2.4.4")
    try:
        assert info["base-uri"] == f"http://127.0.0.1:{info['port']}/rest"
        assert "Magento 2.4.4" in info["ready"]
        with SessionPool() as pool:
            ok = probe(target(info["base-uri"], creds.oauth1("HMAC-SHA256")), pool)
            refused = probe(target(info["base-uri"], creds.oauth1("HMAC-SHA1")), pool)
    finally:
        code, _out, err = stop(process)
    assert ok.ok
    assert refused.outcome.value == "unsupported-method"
    assert code == 0
    assert f"sandbox: GET /rest/V1/store/storeConfigs 200 consumer={creds.consumer_key}" in err
    assert "Traceback" not in err


def test_sandbox_cli_tls_prints_the_ca_bundle(tmp_path):
    creds = Creds.fresh()
    process, info = start_sandbox("--integrations", str(write_integrations(tmp_path / "i.yaml", creds)),
                                  "--tls", "--tls-dir", str(tmp_path / "tls"), "--magento", "any")
    try:
        assert info["base-uri"].startswith("https://127.0.0.1:")
        assert info["ca-bundle"] == str(tmp_path / "tls" / "sandbox-ca.pem")
        with SessionPool() as pool:
            result = probe(target(info["base-uri"], creds.oauth1("PLAINTEXT"), ca_bundle=info["ca-bundle"]), pool)
    finally:
        code, _out, _err = stop(process)
    assert result.ok
    assert code == 0


def test_sandbox_cli_refuses_a_bad_integrations_file(tmp_path, cli):
    bad = tmp_path / "i.yaml"
    bad.write_text("integrations:\n  - {name: a, consumerKey: short, accessToken: also-short}\n")
    done = cli(["sandbox", "--integrations", str(bad)])
    assert done.returncode == 1
    assert "consumerKey must be 32 characters" in done.stderr
    assert "Traceback" not in done.stderr


def probe_served_by(tmp_path, creds, *flags):
    process, info = start_sandbox("--integrations", str(write_integrations(tmp_path / "i.yaml", creds)), *flags)
    try:
        with SessionPool() as pool:
            result = probe(target(info["base-uri"], creds.oauth1("HMAC-SHA256")), pool)
    finally:
        code, _out, _err = stop(process)
    assert code == 0
    return result


def test_sandbox_cli_scenario_flags_reach_the_sandbox(tmp_path):
    creds = Creds.fresh()
    stripped = probe_served_by(tmp_path, creds, "--strip-authorization")
    assert stripped.outcome.value == "header-stripped"
    behind = probe_served_by(tmp_path, creds, "--clock-offset", "-3600")
    assert (behind.outcome.value, behind.message) == ("unauthorized", "An error occurred validating the nonce")
    assert "s ahead of the server's" in (behind.hint or "")
    failing = probe_served_by(tmp_path, creds, "--nonce-storage-fails")
    assert "oauth_nonce" in (failing.hint or "")
    walled = probe_served_by(tmp_path, creds, "--front", "basic-auth")
    assert (walled.outcome.value, walled.status_code) == ("blocked", 401)
