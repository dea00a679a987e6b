"""Faults at the far end, through ``provisioner apply``: one run, one connection per fault plus healthy ones.

tests/e2e/probe/test_hostile.py proves each fault is classified by ``probe_many`` and test_hostile_cli.py
that ``provisioner test`` reports them; this is the same faults where it matters most, in one ``apply``
(real sops, real SQLite, real sandbox and hostile server on loopback): each faulty connection fails with
its class, nothing is committed for it (no record, no write in the history), the healthy connections in
the same run — before, between and after the faults — are committed, and a second apply changes nothing
for the healthy ones and fails the faulty ones again.

The faults: a 500, a connection reset, a server that accepts and never answers, one that drips its
headers and one its body, a redirect to another host, an oversized body, a malformed and a truncated
JSON body, a gzip bomb, a self-signed certificate (no caBundle), and DNS failure — a name under
``.invalid`` (RFC 6761: it never resolves, and resolvers answer so at once, with no network needed).
"""

from __future__ import annotations

import base64
import json
import os

import pytest

from provisioner.state import open_store
from tests.e2e.probe.test_hostile_cli import declaration
from tests.support.hostile import running_hostile
from tests.support.magento import Creds

# name -> (hostile mode or special base URI, the class apply reports)
FAULTS = {
    "server-500": ("500", "server-error"),
    "reset": ("reset", "unreachable (dropped)"),
    "silent": ("silent", "unreachable (timeout)"),
    "drip-headers": ("drip-headers", "unreachable (timeout)"),
    "drip-body": ("drip-body", "unreachable (timeout)"),
    "redirect-other-host": ("redirect", "not-api"),
    "oversized": ("oversized", "not-api"),
    "malformed": ("malformed", "not-api"),
    "truncated": ("truncated", "not-api"),
    "gzip-bomb": ("gzip-bomb", "not-api"),
    "tls-self-signed": ("tls:healthy", "unreachable (tls)"),
    "dns": ("http://no-such-host.invalid/rest", "unreachable (dns)"),
}
HEALTHY = ("healthy-first", "healthy-middle", "healthy-tls", "healthy-last")
TIMEOUT = 2  # timeoutSeconds of the silent and dripping ones: what bounds them (never an assertion on time)


def base_uri(hostile, mode: str) -> str:
    if mode.startswith("tls:"):
        return hostile.tls_base_uri(mode.removeprefix("tls:"))
    return mode if "://" in mode else hostile.base_uri(mode)


@pytest.fixture
def applied(tmp_path, encrypt_file, sops_env, sandbox, creds, cli):
    """The project (healthy connections interleaved with the faulty ones), applied once, then again."""
    key = os.urandom(32)
    url = f"sqlite:///{tmp_path / 'state' / 'state.db'}"
    env = {**sops_env, "PROVISIONER_STATE_KEY": base64.b64encode(key).decode(), "PROVISIONER_STATE_URL": url}
    project = tmp_path / "shop"
    (project / "connections").mkdir(parents=True)
    (project / "provisioner.yaml").write_text("workspace: default\npaths: [connections]\n", encoding="utf-8")
    bad = Creds.fresh()
    with running_hostile(tmp_path / "tls") as hostile:
        names = ["healthy-first", *list(FAULTS)[:6], "healthy-middle", *list(FAULTS)[6:], "healthy-last",
                 "healthy-tls"]
        for i, name in enumerate(names):
            if name == "healthy-tls":
                text = declaration(name, hostile.tls_base_uri("healthy"), bad, "HMAC-SHA256", ca_bundle=hostile.ca_file)
            elif name.startswith("healthy"):
                text = declaration(name, sandbox.base_uri, creds, "HMAC-SHA256")
            else:
                mode, label = FAULTS[name]
                timeout = TIMEOUT if "timeout" in label else 10
                text = declaration(name, base_uri(hostile, mode), bad, "HMAC-SHA256", timeout=timeout)
            encrypt_file(project / "connections" / f"{i:02d}-{name}.yaml", text)
        first = cli(["apply", "--auto-approve", "--format", "json", "--parallelism", "4"], cwd=project, env=env,
                    timeout=300)
        second = cli(["apply", "--auto-approve", "--format", "json", "--parallelism", "4"], cwd=project, env=env,
                     timeout=300)
    return first, second, url, key


def items(done) -> dict[str, dict]:
    assert "Traceback" not in done.stderr, done.stderr
    return {item["address"].removeprefix("connection."): item for item in json.loads(done.stdout)["items"]}


def test_each_fault_is_classified_nothing_is_committed_for_it_and_the_healthy_ones_are(applied):
    first, second, url, key = applied
    assert first.returncode == 1, first.stderr  # failed tests: exit 1, never 3 (a crash)
    report = items(first)
    assert set(report) == set(FAULTS) | set(HEALTHY)
    for name, (_, label) in FAULTS.items():
        item = report[name]
        assert item["status"] == "failed" and item["serial"] is None, item
        assert item["test"]["outcome"] == label, (name, item["test"])
        assert item["test"]["message"], item
    assert "redirect to https://elsewhere.invalid/" in report["redirect-other-host"]["test"]["message"]  # not followed
    assert "256 KiB" in report["oversized"]["test"]["message"] and "256 KiB" in report["gzip-bomb"]["test"]["message"]
    assert "no-such-host.invalid" in report["dns"]["test"]["message"]
    for name in HEALTHY:
        assert report[name]["status"] == "applied" and report[name]["test"]["outcome"] == "ok", report[name]
    document = json.loads(first.stdout)
    assert document["counts"]["applied"] == len(HEALTHY) and document["counts"]["failed"] == len(FAULTS)

    with open_store(url, workspace="default", key=key) as store:
        snapshot, history = store.snapshot(), store.history()
    assert sorted(snapshot.records) == sorted(f"connection.{n}" for n in HEALTHY)
    writes = [e for e in history if e.action in ("create", "update", "delete")]
    assert sorted(e.address or "" for e in writes) == sorted(f"connection.{n}" for n in HEALTHY)
    assert snapshot.serial == len(HEALTHY)

    # The next run: the healthy ones have nothing to do, each fault fails again with its class.
    assert second.returncode == 1, second.stderr
    again = items(second)
    assert set(again) == set(FAULTS)
    assert {n: i["test"]["outcome"] for n, i in again.items()} == {n: label for n, (_, label) in FAULTS.items()}
    with open_store(url, workspace="default", key=key) as store:
        assert store.snapshot().serial == len(HEALTHY)
