"""One prepared project per backend, driven through every command and format, everything scanned.

``LeakStory`` sets up (under one temp dir ``base``): canary credentials for every method
(tests/support/leak_canaries.py), a project whose declarations are sops-encrypted with a fresh age key,
a real ``provisioner sandbox`` (HTTPS, all methods) that accepts the canaries, and the hostile endpoint
(tests/support/leak_endpoint.py) that echoes every request back. ``run(step)`` runs one CLI command as a
child process (tests/support/leak_watch.py samples its descendants) and scans: stdout, stderr, the argv
and environment of every child seen in /proc, every file under ``base`` it created or changed (the
SQLite file and its -wal/-shm, plan files, markdown, imported declarations, crash reports under TMPDIR,
the sops and git shims' logs of argv and environment), and, on PostgreSQL, a pg_dump. Only ``keys/``
(the age key, the integrations file, the state key files: inputs that hold secrets by design) is not
scanned. Findings name where, which canary and which encoding; never a value.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from provisioner.secrets.keys import StateKeys
from tests.support.cli import cli_env, run_cli_inprocess
from tests.support.hostile import WHERES
from tests.support.leak_canaries import (
    CanarySet,
    agent_text,
    common_key_parts,
    connection_text,
    integrations_yaml,
    make_canaries,
)
from tests.support.leak_endpoint import COMBOS, LeakEndpoint
from tests.support.leak_scan import Canary, Finding, LeakScanner
from tests.support.leak_watch import FileSnapshot, WatchedRun, run_watched, write_shim
from tests.support.postgres import PostgresServer
from tests.support.project import Project

SEED = 11
PARALLEL = 4  # commands of one phase run at once
# Commands that start no child process run in this process (tests/support/cli.py: no interpreter start-up);
# the others run as child processes whose descendants are watched.
# (Each was seen to start none when run as a child process.)
IN_PROCESS = frozenset({"show", "call", "state list", "state show", "state history", "state locks",
                        "state unlock", "state quarantine", "state rm", "state rekey", "schema"})


def in_process(step: Step) -> bool:
    return step.command.split(" -", 1)[0] in IN_PROCESS


@dataclass(frozen=True)
class Step:
    command: str  # as the table names it: "state show"
    fmt: str
    args: tuple[str, ...]
    codes: frozenset[int]  # the exit codes that mean the command did its work
    before: Callable[[LeakStory], None] | None = None
    after: Callable[[LeakStory], None] | None = None
    secrets: Callable[[LeakStory], list[Canary]] | None = None  # canaries the command itself made


@dataclass
class StepResult:
    step: Step
    run: WatchedRun
    findings: list[Finding] = field(default_factory=list)
    scanned: int = 0  # sources scanned (streams, children, files)


def key_canaries(label: str, key: bytes) -> list[Canary]:
    keys = StateKeys.derive(key)
    derived = [Canary(f"{label} ({name} sub-key)", getattr(keys, name))
               for name in ("seal", "fingerprint", "mac", "check", "plan")]
    return [Canary(label, base64.b64encode(key).decode()), Canary(f"{label} (raw)", key), *derived]


def echo_places(method_index: int) -> tuple[str, str]:
    """Two of the endpoint's places per method, so that every place is met by two or three methods."""
    return WHERES[(2 * method_index) % len(WHERES)], WHERES[(2 * method_index + 1) % len(WHERES)]


class LeakStory:
    def __init__(self, base: Path, endpoint: LeakEndpoint, postgres: PostgresServer | None = None) -> None:
        self.base = base
        self.endpoint = endpoint
        self.postgres = postgres
        self.canaries: CanarySet = make_canaries(SEED)
        keys = base / "keys"
        keys.mkdir(parents=True)
        self.database_url: str | None = None
        if postgres is not None:
            database = postgres.create_database().rsplit("/", 1)[1]
            password = quote(self.canaries.database_password, safe="")
            self.database_url = f"postgresql://postgres:{password}@127.0.0.1:{postgres.port}/{database}"
        self.project = Project.create(base, self.database_url)
        self.state_key = self.project.state_key
        extra = [*key_canaries("state key", self.state_key), Canary("age identity", self.project.age_key.identity)]
        self.rekeys = [os.urandom(32) for _ in range(2)]
        for index, key in enumerate(self.rekeys):
            (keys / f"rekey{index + 1}.key").write_text(base64.b64encode(key).decode() + "\n", encoding="ascii")
            extra += key_canaries(f"state key after rekey {index + 1}", key)
        self.scanner = LeakScanner([*self.canaries.canaries(), *extra], common_key_parts())
        self.results: list[StepResult] = []
        self.sandbox_findings: list[Finding] = []
        self._prepare_env()
        self.sandbox_output = b""
        self._sandbox = self._start_sandbox()
        self._write_declarations()
        self.files = FileSnapshot([base], excluded=[keys])
        self.files.changed()  # the set-up is not the product's doing; scanned once in its own row
        self._setup_findings = self._scan_files("set-up", self._all_files())

    # --- set-up ------------------------------------------------------------------------------
    def _prepare_env(self) -> None:
        env = self.project.env
        for name in ("GITHUB_SHA", "CI_COMMIT_SHA", "PROVISIONER_WORKSPACE"):
            env.pop(name, None)
        env["TMPDIR"] = str(self.base / "tmp")
        (self.base / "tmp").mkdir()
        real_git = shutil.which("git") or "/usr/bin/git"
        write_shim(self.base / "shims", "git", real_git, self.base / "git-calls")
        env["PATH"] = f"{self.base / 'shims'}{os.pathsep}{env.get('PATH', '')}"
        editor = self.base / "shims" / "leak-editor"  # for `secrets edit`: changes a comment, nothing else
        editor.write_text('#!/bin/sh\necho "# edited by the leak scan" >> "$1"\n', encoding="utf-8")
        editor.chmod(0o755)
        env["EDITOR"] = str(editor)
        self.project.spy_sops()  # every sops call logs its argv and environment (scanned as files)
        git = [real_git, "-c", "user.name=leak", "-c", "user.email=leak@example.invalid"]
        subprocess.run([*git, "init", "-q"], cwd=self.project.root, check=True, env=env)

    def _start_sandbox(self) -> subprocess.Popen[bytes]:
        integrations = self.base / "keys" / "integrations.yaml"
        integrations.write_text(integrations_yaml(self.canaries), encoding="utf-8")
        env = cli_env({k: v for k, v in self.project.env.items() if not k.startswith("PROVISIONER_")})
        process = subprocess.Popen(
            [sys.executable, "-m", "provisioner", "sandbox", "--integrations", str(integrations), "--magento", "any",
             "--tls", "--tls-dir", str(self.base / "sandbox-tls")],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        assert process.stdout is not None
        lines: dict[str, str] = {}
        for raw in process.stdout:
            self.sandbox_output += raw
            key, _, value = raw.decode().partition(": ")
            lines[key] = value.strip()
            if key == "ready":
                break
        assert "base-uri" in lines and "ca-bundle" in lines, self.sandbox_output.decode(errors="replace")
        self.sandbox_uri, self.sandbox_ca = lines["base-uri"], lines["ca-bundle"]
        return process

    def stop_sandbox(self) -> list[Finding]:
        self._sandbox.terminate()
        out, err = self._sandbox.communicate(timeout=30)
        return [*self.scanner.scan("sandbox stdout", self.sandbox_output + out),
                *self.scanner.scan("sandbox stderr (access log)", err)]

    def _write_declarations(self) -> None:
        texts: dict[str, str] = {"agent-1": agent_text("agent-1", self.canaries.agent_token)}
        for m, creds in enumerate(self.canaries.creds):
            texts[f"ok-{creds.slug}"] = connection_text(f"ok-{creds.slug}", self.sandbox_uri, creds, self.sandbox_ca)
            for where in echo_places(m):
                name = f"echo-{creds.slug}-{where}"
                uri = self.endpoint.base_uri_for(where, (len(texts) * 7) % len(COMBOS))
                texts[name] = connection_text(name, uri, creds, self.endpoint.ca_file, timeout=10)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda item: self.project.encrypt(*item), texts.items()))
        self.names = sorted(texts)
        git = [shutil.which("git") or "git", "-c", "user.name=leak", "-c", "user.email=leak@example.invalid"]
        subprocess.run([*git, "add", "-A"], cwd=self.project.root, check=True, capture_output=True)
        subprocess.run([*git, "commit", "-qm", "leak scan"], cwd=self.project.root, check=True, capture_output=True)

    # --- running and scanning ----------------------------------------------------------------
    def _all_files(self) -> list[Path]:
        return FileSnapshot([self.base], excluded=[self.base / "keys"]).changed()

    def _scan_files(self, step: str, paths: list[Path], scanner: LeakScanner | None = None) -> list[Finding]:
        found: list[Finding] = []
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError:
                continue
            rel = path.relative_to(self.base)
            kind = "child argv/env (shim log)" if rel.parts[0] in ("sops-calls", "git-calls") else "file"
            found += (scanner or self.scanner).scan(f"{step}: {kind} {rel}", data)
        return found

    def run_phase(self, steps: Sequence[Step]) -> None:
        """Run ``steps`` at once (they do not depend on each other), then scan what they left."""
        for step in steps:
            if step.before is not None:
                step.before(self)
        signatures_before = len(self.endpoint.sent_signatures())
        env = cli_env(self.project.env)
        with ThreadPoolExecutor(PARALLEL) as pool:
            children = {id(s): pool.submit(run_watched, [sys.executable, "-m", "provisioner", *s.args],
                                           cwd=self.project.root, env=env) for s in steps if not in_process(s)}
            here = {id(s): self.run_here(s) for s in steps if in_process(s)}  # meanwhile, one at a time
            runs = [here[id(s)] if id(s) in here else children[id(s)].result() for s in steps]
        sent = self.endpoint.sent_signatures()[signatures_before:]
        # a signature the endpoint saw, whole in any encoding, is a leak too (part of one is not a secret)
        extra = [Canary("an oauth_signature sent", s, windows=False) for s in set(sent)]
        extra += [c for step in steps if step.secrets is not None for c in step.secrets(self)]
        scanners = [self.scanner, *([LeakScanner(extra)] if extra else [])]
        phase = " | ".join(" ".join(step.args) for step in steps)
        changed = self.files.changed()
        shared = [f for scanner in scanners for f in self._scan_files(f"after [{phase}]", changed, scanner)]
        if self.postgres is not None:
            shared += self.scanner.scan(f"after [{phase}]: pg_dump", self.pg_dump())
        for step, done in zip(steps, runs, strict=True):
            label = " ".join(step.args)
            result = StepResult(step, done, list(shared), 2 + 2 * len(done.children) + len(changed))
            for scanner in scanners:
                result.findings += scanner.scan(f"{label}: stdout", done.stdout)
                result.findings += scanner.scan(f"{label}: stderr", done.stderr)
                for child in done.children:
                    name = child.cmdline.split(b"\0", 1)[0].decode(errors="replace")
                    result.findings += scanner.scan(f"{label}: argv of child {name}", child.cmdline)
                    result.findings += scanner.scan(f"{label}: environment of child {name}", child.environ)
            self.results.append(result)
        for step in steps:
            if step.after is not None:
                step.after(self)

    def run_here(self, step: Step) -> WatchedRun:
        tempfile.tempdir = None  # so a crash report goes to this story's TMPDIR
        try:
            done = run_cli_inprocess(list(step.args), cwd=self.project.root, env=self.project.env)
        finally:
            tempfile.tempdir = None
        return WatchedRun(done.args, done.returncode, done.stdout.encode(), done.stderr.encode())

    def pg_dump(self) -> bytes:
        assert self.postgres is not None and self.database_url is not None
        return self.postgres.dump(self.database_url.replace(
            quote(self.canaries.database_password, safe=""), "unused"))

    def use_state_key(self, key: bytes) -> None:
        self.project.env["PROVISIONER_STATE_KEY"] = base64.b64encode(key).decode()
        self.project.state_key = key

    @property
    def setup_findings(self) -> list[Finding]:
        return self._setup_findings
