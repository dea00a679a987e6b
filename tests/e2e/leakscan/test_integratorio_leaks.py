"""The leak scan with the integrator.io target: every command that talks to it, against a hostile server.

The contract server (tests/support/integratorio_server.py) is turned hostile: reads come back unmasked,
and every error, retry answer and failed ping echoes what the request carried — each secret of the
connection and the API token — plain, percent-encoded, base64 and reversed; a UI user even pastes a secret
into a connection's name. Canaries sit in every secret field (HMAC-SHA256, RSA-SHA256, bearer, an agent's
token), the API token and a rejected token. Each command runs as a child process whose descendants are
watched; its stdout, stderr, its children's argv and environment, and every file it created or changed
(the SQLite state, plan files, imported declarations) are scanned (tests/support/leak_scan.py). Zero
findings, and each step did its work (its exit code), so a clean result means something.
"""

from __future__ import annotations

import base64
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from provisioner.sandbox.integrations import integration_from_mapping
from provisioner.targets.integratorio.config import TOKEN_ENV
from tests.support.cli import cli_env
from tests.support.integratorio_server import Account, running_integratorio
from tests.support.leak_canaries import (
    CanarySet,
    agent_text,
    canary_value,
    connection_text,
    integration_item,
    make_canaries,
)
from tests.support.leak_scan import Canary, Finding, LeakScanner
from tests.support.leak_watch import FileSnapshot, WatchedRun, run_watched
from tests.support.project import Project

SEED = 14
METHODS = ("HMAC-SHA256", "RSA-SHA256", "bearer")


@dataclass
class Scan:
    base: Path
    project: Project
    account: Account
    canaries: CanarySet
    scanner: LeakScanner
    files: FileSnapshot
    wrong_token: str
    findings: list[Finding]
    failures: list[str]

    def run(self, *args: str, codes: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> WatchedRun:
        """Run ``provisioner ARGS`` as a watched child; scan everything it said, started and wrote."""
        label = " ".join(args)
        done = run_watched([sys.executable, "-m", "provisioner", *args], cwd=self.project.root,
                           env=cli_env({**self.project.env, **(env or {})}), timeout=300)
        if done.returncode not in codes or b"Traceback" in done.stderr:
            self.failures.append(f"{label}: exit {done.returncode}\n{done.text[-3000:]}")
        found = [*self.scanner.scan(f"{label}: stdout", done.stdout),
                 *self.scanner.scan(f"{label}: stderr", done.stderr)]
        for child in done.children:
            name = child.cmdline.split(b"\0", 1)[0].decode(errors="replace")
            found += self.scanner.scan(f"{label}: argv of child {name}", child.cmdline)
            found += self.scanner.scan(f"{label}: environment of child {name}", child.environ)
        for path in self.files.changed():
            try:
                found += self.scanner.scan(f"{label}: file {path.relative_to(self.base)}", path.read_bytes())
            except OSError:
                continue
        self.findings += found
        return done


@pytest.fixture
def scan(tmp_path: Path) -> Iterator[Scan]:
    canaries = make_canaries(SEED)
    chosen = [canaries.of(m) for m in METHODS]
    rng = random.Random(SEED)
    api_token, wrong_token = canary_value(rng, 40), canary_value(rng, 40)
    integrations = tuple(integration_from_mapping(integration_item(c), c.slug) for c in chosen)
    with running_sandbox(SandboxConfig(integrations, magento=MagentoVersion.ANY)) as sandbox, \
            running_integratorio(token=api_token) as (server, account):
        project = Project.create(tmp_path)
        settings = project.root / "provisioner.yaml"
        settings.write_text(settings.read_text(encoding="utf-8")
                            + f"target:\n  type: integratorio\n  url: {server.origin}\n", encoding="utf-8")
        project.env[TOKEN_ENV] = api_token
        project.encrypt("agent-1", agent_text("agent-1", canaries.agent_token))
        for creds in chosen:
            project.encrypt(f"ok-{creds.slug}", connection_text(f"ok-{creds.slug}", sandbox.base_uri, creds, None))
        extra = [Canary("API token", api_token), Canary("the rejected token", wrong_token),
                 Canary("age identity", project.age_key.identity),
                 Canary("state key", base64.b64encode(project.state_key).decode()), Canary("state key (raw)",
                                                                                      project.state_key)]
        secret_canaries = [c for creds in chosen for c in creds.canaries()]
        scanner = LeakScanner([*secret_canaries, Canary("agent accessToken", canaries.agent_token), *extra])
        files = FileSnapshot([tmp_path], excluded=[tmp_path / "keys"])
        files.changed()  # the set-up is the test's doing, not the product's
        account.hostile = True
        yield Scan(tmp_path, project, account, canaries, scanner, files, wrong_token, [], [])


def test_no_secret_leaks_through_the_integratorio_target(scan: Scan) -> None:
    account = scan.account
    account.add_agent("agent-1")  # installed in the account: the Agent declaration maps to it by name
    scan.run("validate", "--decrypt")
    for fmt in ("human", "json", "github", "markdown"):
        scan.run("plan", "--format", fmt, codes=(0, 2))
    scan.run("plan", "--out", "plan.bin", "--markdown", "plan.md")

    account.failing_pings = 3  # every connection's remote test fails, echoing the connection
    scan.run("show", "plan.bin", "--format", "json")
    scan.run("apply", "plan.bin", codes=(1,))
    assert not account.connections, "a failed remote test created nothing"
    account.inject(429, retry_after=1, path="/v1/connections")
    account.inject(503, count=2, path="/v1/connections")
    scan.run("apply", "--auto-approve", "--format", "json")
    assert len(account.connections) == 3
    scan.run("state", "show", "connection.ok-bearer", "--format", "json")

    ids = list(account.connections)
    hmac = scan.canaries.of("HMAC-SHA256")
    account.ui_edit(ids[0], "name", f"pasted {hmac.consumer_secret} by mistake")  # a secret in a shown field
    account.ui_edit(ids[1], "http.baseURI", "https://x.invalid/" + base64.b64encode(
        (hmac.token_secret or "").encode()).decode())
    for fmt in ("human", "json", "github", "markdown"):
        scan.run("plan", "--format", fmt, codes=(0, 2))
    for fmt in ("human", "json", "github"):
        scan.run("drift", "--all-remote", "--format", fmt, codes=(2,))
    scan.run("import", "--from-target", "--out", "imported", codes=(0,))
    scan.run("validate", "--decrypt", "--path", "imported", codes=(1,))  # "set this secret" errors
    scan.run("state", "list", "--format", "json")
    scan.run("test", "--from", "state", "--format", "json", codes=(0, 3))
    scan.run("apply", "--auto-approve")  # restores the remote fields, with every secret again (PUT)
    scan.run("plan", "--format", "json", codes=(1,), env={TOKEN_ENV: scan.wrong_token})  # 401 echoes it
    scan.run("plan", codes=(1,), env={TOKEN_ENV: scan.wrong_token})

    assert not scan.failures, "\n\n".join(scan.failures)
    assert not scan.findings, "\n".join(map(str, scan.findings[:40]))
