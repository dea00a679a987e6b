"""The README's main job: scripts/demo over the committed examples, in a copy of the repository.

The copy keeps connections/ byte for byte except the sandbox and agent ports in baseUri /
proxyUrl (plain fields: .sops.yaml sets mac_only_encrypted, so editing them is legal and
the MAC still holds), so the test can run beside a demo and never fights over the fixed
ports. Everything else is the real thing: the public demo age key decrypts the examples,
the sandbox verifies their signatures, apply commits them to SQLite state, the second plan
finds nothing to do. No secret of the demo integrations appears in any output or file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from provisioner.secrets.age_keys import read_identity

DEMO_SANDBOX_PORT = 18089
DEMO_AGENT_PORT = 18090
SECRET_FIELDS = ("consumerSecret", "accessToken", "tokenSecret")

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _demo_secrets(root: Path) -> list[str]:
    data = YAML(typ="safe").load((root / "demo" / "sandbox-integrations.yaml").read_text(encoding="utf-8"))
    return [str(i[f]) for i in data["integrations"] for f in SECRET_FIELDS if i.get(f)]


@pytest.fixture
def demo_copy(repo_root: Path, tmp_path: Path) -> tuple[Path, int, int]:
    copy = tmp_path / "repo"
    copy.mkdir()
    for name in ("connections", "demo", "scripts"):
        shutil.copytree(repo_root / name, copy / name)
    shutil.copy2(repo_root / ".sops.yaml", copy / ".sops.yaml")
    shutil.copy2(repo_root / "provisioner.yaml", copy / "provisioner.yaml")
    (copy / ".venv").symlink_to(repo_root / ".venv")
    sandbox_port, agent_port = _free_port(), _free_port()
    for path in (copy / "connections").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace(f"http://127.0.0.1:{DEMO_SANDBOX_PORT}/", f"http://127.0.0.1:{sandbox_port}/")
        text = text.replace(f"http://127.0.0.1:{DEMO_AGENT_PORT}\n", f"http://127.0.0.1:{agent_port}\n")
        path.write_text(text, encoding="utf-8")
    return copy, sandbox_port, agent_port


def test_the_examples_point_at_the_ports_the_demo_serves(repo_root: Path) -> None:
    script = (repo_root / "scripts" / "demo").read_text(encoding="utf-8")
    assert f"DEMO_SANDBOX_PORT:-{DEMO_SANDBOX_PORT}" in script and f"DEMO_AGENT_PORT:-{DEMO_AGENT_PORT}" in script
    texts = {p.name: p.read_text(encoding="utf-8") for p in (repo_root / "connections").glob("*.yaml")}
    uris = {m for t in texts.values() for m in re.findall(r"baseUri: (\S+)", t)}
    assert uris == {f"http://127.0.0.1:{DEMO_SANDBOX_PORT}/rest", f"http://127.0.0.1:{DEMO_SANDBOX_PORT}/rest/de",
                    "http://magento.dc1.internal/rest"}
    assert f"proxyUrl: http://127.0.0.1:{DEMO_AGENT_PORT}\n" in texts["agent-dc1.yaml"]


def test_the_demo_runs_a_sandbox_in_magento_2_4_4_behaviour(repo_root: Path) -> None:
    """No example may need the fictional any-method mode: every one is something a real store accepts."""
    script = (repo_root / "scripts" / "demo").read_text(encoding="utf-8")
    assert "--magento 2.4.4" in script and "--magento any" not in script and "--rfc-parameters" not in script
    texts = [p.read_text(encoding="utf-8") for p in (repo_root / "connections").glob("*.yaml")]
    methods = {m for t in texts for m in re.findall(r"signatureMethod: (\S+)", t)}
    assert methods == {"HMAC-SHA256"}


def test_the_examples_are_encrypted_for_the_public_demo_key(repo_root: Path) -> None:
    recipient = read_identity(repo_root / "demo" / "age.key").recipient
    assert recipient in (repo_root / ".sops.yaml").read_text(encoding="utf-8")
    for path in sorted((repo_root / "connections").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../schemas/"), path.name
        assert f"recipient: {recipient}" in text, path.name
        assert "mac_only_encrypted: true" in text, path.name
    for secret in _demo_secrets(repo_root):
        assert not any(secret in p.read_text(encoding="utf-8") for p in (repo_root / "connections").glob("*.yaml"))


def test_the_demo_plans_applies_and_replans_to_no_changes(demo_copy: tuple[Path, int, int]) -> None:
    copy, sandbox_port, agent_port = demo_copy
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROVISIONER_", "SOPS_"))}
    env.update(DEMO_SKIP_BOOTSTRAP="1", DEMO_SANDBOX_PORT=str(sandbox_port), DEMO_AGENT_PORT=str(agent_port),
               NO_COLOR="1")
    done = subprocess.run(["bash", "scripts/demo"], cwd=copy, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output

    summary = done.stdout.split("== summary", 1)[1]
    assert len(re.findall(r"^ok ", summary, re.M)) == 9, summary
    assert "FAIL" not in summary
    assert "Plan: 5 to create, 0 to update, 0 to delete, 0 unchanged." in done.stdout
    assert "No changes. 5 up to date." in done.stdout
    assert re.search(r"^ok\s+magento-warehouse\s+ok\b", done.stdout, re.M)  # through the agent stand-in
    assert re.search(r"^ok\s+magento-eu\s+ok\b", done.stdout, re.M)  # a store code the sandbox routes
    assert "ready: Magento 2.4.4 sandbox" in (copy / ".demo" / "sandbox.out").read_text(encoding="utf-8")
    assert "GET /rest/de/V1/store/storeViews 200" in (copy / ".demo" / "sandbox.log").read_text(encoding="utf-8")

    plan = json.loads((copy / ".demo" / "plan.json").read_text(encoding="utf-8"))
    assert plan["workspace"] == "demo"
    assert "magento.dc1.internal" in (copy / ".demo" / "agent.log").read_text(encoding="utf-8")

    secrets = _demo_secrets(copy)
    written = [p for p in (copy / ".demo").rglob("*") if p.is_file()]
    for secret in secrets:
        assert secret not in output
        for path in written:
            assert secret.encode() not in path.read_bytes(), path
    assert "PRIVATE KEY" not in output


def test_the_demo_refuses_a_taken_port_with_a_clear_message(demo_copy: tuple[Path, int, int]) -> None:
    copy, sandbox_port, agent_port = demo_copy
    env = {**os.environ, "DEMO_SKIP_BOOTSTRAP": "1", "DEMO_SANDBOX_PORT": str(sandbox_port),
           "DEMO_AGENT_PORT": str(agent_port)}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", sandbox_port))
        taken.listen()
        done = subprocess.run(["bash", "scripts/demo"], cwd=copy, env=env, capture_output=True, text=True,
                              timeout=60, check=False)
    assert done.returncode == 1
    assert f"port 127.0.0.1:{sandbox_port}, needed by the sandbox" in done.stderr
    assert not (copy / ".demo").exists()
