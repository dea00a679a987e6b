"""``provisioner test`` (human and ``--format json``) against hostile endpoints: encrypted declarations
decrypted by the real sops, one connection per fault and echo, plus a healthy sandbox connection. Exit 1
(failed tests), never 3; every connection is reported; no canary secret, signature or Authorization
header that was sent appears in stdout or stderr, in any encoding, whole or in part; no escape
sequence from a server reaches the terminal."""

from __future__ import annotations

import json

import pytest

from tests.e2e.probe.test_hostile import hostile_creds
from tests.support.hostile import LeakScanner, leaks, running_hostile

ECHOES = [f"echo/{where}/{item}/{encoding}" for where in ("body", "split", "location")
          for item in ("plaintext", "token") for encoding in ("plain", "percent-twice", "base64", "hex",
                                                               "html-decimal", "json-all")]
FAULTS = {"forged": "unauthorized", "deep": "unauthorized", "gzip-bomb": "not-api", "drip-body": "unreachable",
          "truncated": "not-api", "not-utf8": "unauthorized"}


def declaration(name: str, base_uri: str, creds, method: str = "PLAINTEXT", timeout: float = 10,
                ca_bundle: str | None = None) -> str:
    q = json.dumps  # a JSON string is a YAML double-quoted scalar
    return (
        f"apiVersion: provisioner/v1\nkind: Connection\nmetadata:\n  name: {name}\n"
        "spec:\n  application: magento2\n  auth:\n    type: oauth1\n"
        f"    baseUri: {q(base_uri)}\n    signatureMethod: {method}\n"
        f"    consumerKey: {q(creds.consumer_key)}\n    consumerSecret: {q(creds.consumer_secret)}\n"
        f"    accessToken: {q(creds.access_token)}\n    tokenSecret: {q(creds.token_secret)}\n"
        f"  advanced:\n    timeoutSeconds: {timeout}\n"
        + (f"    caBundle: {q(ca_bundle)}\n" if ca_bundle else "")
    )


def slug(mode: str) -> str:
    return mode.replace("/", "-")


@pytest.mark.parametrize("fmt", ["human", "json"])
def test_the_cli_reports_every_hostile_connection_and_leaks_nothing(tmp_path, cli, encrypt_file, sops_env,
                                                                    sandbox, creds, fmt):
    bad = hostile_creds()
    with running_hostile(tmp_path / "tls") as hostile:
        (tmp_path / "provisioner.yaml").write_text("paths: [connections]\n", encoding="utf-8")  # a project
        connections = tmp_path / "connections"
        for mode in [*ECHOES, *FAULTS]:
            timeout = 1 if mode.startswith("drip") else 10
            encrypt_file(connections / f"{slug(mode)}.yaml",  # PLAINTEXT only over https (validate's rule)
                         declaration(slug(mode), hostile.tls_base_uri(mode), bad, timeout=timeout,
                                     ca_bundle=hostile.ca_file))
        # (a port out of range is a validation error now, so it never reaches a test: see the probe's unit tests)
        encrypt_file(connections / "healthy.yaml", declaration("healthy", sandbox.base_uri, creds, "HMAC-SHA256"))
        done = cli(["test", "--format", fmt, "--parallelism", "8"], cwd=tmp_path, env=sops_env, timeout=300)
        sent = dict(hostile.received)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    output = done.stdout + done.stderr
    names = [slug(m) for m in [*ECHOES, *FAULTS]] + ["healthy"]
    if fmt == "json":
        results = {r["name"]: r for r in json.loads(done.stdout)["results"]}
        assert set(results) == set(names)
        assert results["healthy"]["outcome"] == "ok"
        for mode, outcome in FAULTS.items():
            assert results[slug(mode)]["outcome"] == outcome, results[slug(mode)]
    else:
        missing = [name for name in names if name not in done.stdout]
        assert not missing, (done.stdout[:3000], done.stderr[:3000])
        assert any(line.startswith("ok") and "healthy" in line for line in done.stdout.splitlines())
    assert "\x1b" not in output and "\r" not in output
    assert not any(line.lstrip().startswith("fake:") for line in output.splitlines())  # no forged line
    found = LeakScanner([bad.consumer_secret, bad.access_token, bad.token_secret]).find(output)
    signatures = [a.split('oauth_signature="', 1)[1].split('"', 1)[0] for a in sent.values() if "signature" in a]
    assert len(signatures) >= len(ECHOES)
    assert not found and not leaks(output, signatures)
    assert not any(a and a in output for a in sent.values())
