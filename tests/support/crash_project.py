"""A project of many sops-encrypted connections to one sandbox, and checks of a state after a crash.

Used by the crash and concurrency tests (tests/e2e/apply/test_crash.py, test_concurrent_apply.py):

- ``make_project(root, age_key, base_uri, creds, count)`` writes provisioner.yaml, .sops.yaml and
  ``count`` connection files encrypted by the real sops, and returns a ``CrashProject`` whose
  ``env(state_url)`` is the environment of a CLI child (age key, state key, state URL, isolated HOME).
- ``start_cli(args, project, state_url)``: ``provisioner ARGS`` as a ``Popen`` (to be signalled).
- ``check_consistent(project, state_url)``: what an operator relies on after any crash: the state
  opens and verifies every record's MAC, each record is complete and was tested ok, and every
  record's serial is a write in the history.
"""

from __future__ import annotations

import base64
import os
import select
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from provisioner.apply.checkpoints import ENV_HALT_AT, ENV_HALT_FD
from provisioner.secrets.sops import Sops
from provisioner.secrets.sops_config import sops_config_text
from provisioner.state import Store, open_store
from provisioner.state.records import HistoryEntry, Snapshot
from tests.support.cli import cli_env, run_cli
from tests.support.magento import Creds
from tests.support.sops import AgeKey, isolated_env

WRITE_ACTIONS = frozenset({"create", "update", "delete"})
SECRET_FIELDS = ("spec.auth.consumerSecret", "spec.auth.accessToken", "spec.auth.tokenSecret")


def connection_text(name: str, base_uri: str, creds: Creds) -> str:
    return (
        "apiVersion: provisioner/v1\n"
        "kind: Connection\n"
        f"metadata:\n  name: {name}\n"
        "spec:\n  application: magento2\n  mode: cloud\n  auth:\n    type: oauth1\n"
        f"    baseUri: {base_uri}\n    signatureMethod: HMAC-SHA256\n"
        f"    consumerKey: {creds.consumer_key}\n    consumerSecret: '{creds.consumer_secret}'\n"
        f"    accessToken: '{creds.access_token}'\n    tokenSecret: '{creds.token_secret}'\n"
    )


@dataclass(frozen=True)
class CrashProject:
    root: Path
    names: tuple[str, ...]
    key: bytes
    base_env: dict[str, str]

    @property
    def addresses(self) -> list[str]:
        return sorted(f"connection.{n}" for n in self.names)

    def env(self, state_url: str) -> dict[str, str]:
        return {**self.base_env, "PROVISIONER_STATE_URL": state_url}


def make_project(root: Path, age_key: AgeKey, base_uri: str, creds: Creds, count: int) -> CrashProject:
    """``count`` connections ``shop-00``.. to ``base_uri``, encrypted with the project's own .sops.yaml."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "provisioner.yaml").write_text("workspace: default\npaths: [connections]\n", encoding="utf-8")
    (root / ".sops.yaml").write_text(sops_config_text([age_key.recipient]), encoding="utf-8")
    env = isolated_env(root.parent / f"{root.name}-home", {"SOPS_AGE_KEY_FILE": str(age_key.path)})
    sops = Sops(environ=env)
    names = tuple(f"shop-{i:02d}" for i in range(count))
    for name in names:
        path = root / "connections" / f"{name}.yaml"
        path.parent.mkdir(exist_ok=True)
        text = sops.encrypt(connection_text(name, base_uri, creds), filename=path, config=root / ".sops.yaml")
        path.write_text(text, encoding="utf-8")
    key = os.urandom(32)
    env["PROVISIONER_STATE_KEY"] = base64.b64encode(key).decode()
    return CrashProject(root, names, key, env)


def run(project: CrashProject, state_url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return run_cli(list(args), cwd=project.root, env=project.env(state_url), timeout=timeout)


def start_cli(project: CrashProject, state_url: str, *args: str,
              extra_env: Mapping[str, str] | None = None, pass_fds: tuple[int, ...] = ()) -> subprocess.Popen[str]:
    """``provisioner ARGS`` started, not waited for: the caller signals it and reads its (unbuffered) output."""
    env = cli_env({**project.env(state_url), "PYTHONUNBUFFERED": "1", **(extra_env or {})})
    return subprocess.Popen(
        [sys.executable, "-m", "provisioner", *args], cwd=project.root, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, pass_fds=pass_fds,
    )


def start_halted(project: CrashProject, state_url: str, point: str, *args: str,
                 hang_guard: float = 180) -> subprocess.Popen[str]:
    """``provisioner ARGS`` halted at the checkpoint ``point`` (``provisioner.apply.checkpoints``): returns once
    the child has said so, so a signal sent now lands exactly there. ``hang_guard`` only turns a broken run into a
    failure instead of a hang; it is never a measurement."""
    return halt(project, state_url, point, *args, hang_guard=hang_guard)[0]


def halt(project: CrashProject, state_url: str, point: str, *args: str,
         hang_guard: float = 180) -> tuple[subprocess.Popen[str], str]:
    """``start_halted``, with the note that followed the point on the halting line (``committed=N started=M``,
    or "")."""
    read_end, write_end = os.pipe()
    try:
        child = start_cli(project, state_url, *args, pass_fds=(write_end,),
                          extra_env={ENV_HALT_AT: point, ENV_HALT_FD: str(write_end)})
    finally:
        os.close(write_end)  # the child's copy is the only one left: EOF when it exits without halting
    with os.fdopen(read_end, "rb") as announcements:
        ready, _, _ = select.select([announcements], [], [], hang_guard)
        line = announcements.readline() if ready else b""
    said = line.decode(errors="replace").rstrip("\n")
    if said != f"halted {point}" and not said.startswith(f"halted {point} "):
        child.kill()
        out, err = child.communicate()
        raise AssertionError(f"`{' '.join(args[:2])}` never halted at {point} (exit {child.returncode}): {out}\n{err}")
    return child, said.removeprefix(f"halted {point}").strip()


def progress(note: str) -> dict[str, int]:
    """A halting line's note, ``committed=N started=M``, as numbers."""
    return {key: int(value) for key, _, value in (word.partition("=") for word in note.split())}


def opened_store(project: CrashProject, state_url: str) -> Store:
    """The project's workspace store, closed when the ``with`` block ends."""
    return open_store(state_url, workspace="default", key=project.key, missing_ok=True)  # empty if never created


def read_state(project: CrashProject, state_url: str) -> tuple[Snapshot, list[HistoryEntry]]:
    """The snapshot (every record's MAC verified, secrets opened) and the whole history."""
    with opened_store(project, state_url) as store:
        snapshot = store.snapshot()
        for address in snapshot.records:
            secrets = store.unseal(address)
            assert sorted(secrets) == sorted(SECRET_FIELDS), (address, sorted(secrets))
        return snapshot, store.history()


def check_consistent(project: CrashProject, state_url: str, context: str) -> Snapshot:
    """The state after a crash: opens, verifies, holds only complete tested records, agrees with history."""
    listed = run(project, state_url, "state", "list")
    if "no state exists yet" not in listed.stderr:  # killed before apply created the state: there is none
        assert listed.returncode == 0, f"{context}: state list: {listed.stderr}"
    assert "Traceback" not in listed.stderr, context
    snapshot, entries = read_state(project, state_url)
    assert set(snapshot.records) <= set(project.addresses), context
    for address, record in snapshot.records.items():
        assert record.kind == "Connection" and record.spec, f"{context}: {address} incomplete"
        assert record.last_test and record.last_test.get("outcome") == "ok", f"{context}: {address} {record.last_test}"
        assert sorted(record.sops_digests) == sorted(SECRET_FIELDS), f"{context}: {address}"
    writes = [e for e in entries if e.action in WRITE_ACTIONS]
    by_serial = {e.serial: e for e in writes}
    assert len(by_serial) == len(writes), f"{context}: two writes share a serial: {writes}"
    for address, record in snapshot.records.items():
        entry = by_serial.get(record.serial)
        assert entry is not None and entry.address == address, f"{context}: serial {record.serial} of {address}"
    assert snapshot.serial == (max(by_serial) if by_serial else 0), f"{context}: serial {snapshot.serial}"
    assert snapshot.serial == len(writes), f"{context}: serial {snapshot.serial} but {len(writes)} writes"
    return snapshot
