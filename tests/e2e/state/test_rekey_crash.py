"""Crash safety of ``provisioner state rekey``: SIGKILL at chosen points of its progress, SQLite and PostgreSQL.

Real processes and signals, real sops (the seed is applied by the real CLI against the sandbox), real
SQLite and PostgreSQL. Deterministic: a kill point is a named point of the rekey's progress
(provisioner/apply/checkpoints.py), never a moment in time: ``opened`` (state open, no lease),
``locked`` (lease taken), then inside rekey's one transaction ``rekey-verified`` (every record and the
history verified under the old key), ``rekey-resealed:K`` (K records re-sealed, none committed),
``rekey-written`` (everything written, the commit not yet made); then ``rekey-committed`` (the new key
rules, the lease is still held) and ``released``.

Each run starts from a copy of one applied state, kills the rekey at its point and checks what an
operator relies on: exactly one key opens the state (the old one before the commit, the new one
after), every record verifies and unseals to the secrets it held, the history (chain included)
verifies and holds one ``rekey`` entry or none, the dead run's lease is left exactly while it held
one; then the next run converges: ``state rekey`` again (under whichever key rules; the dead lease
is taken over at once), and with the new key ``plan`` opens the state and finds no change.

There is one kill point per run: ``CONNECTIONS + 6`` points, 12 by default (6 records) and 100 with
``PROVISIONER_LONG=1`` (94 records), every one of them on SQLite; on PostgreSQL 5 spread over the
run by default, 25 in the long mode.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
import pytest

from provisioner.errors import StateError
from provisioner.sandbox import SandboxConfig, running_sandbox
from provisioner.state import open_store
from tests.support.crash_project import CrashProject, make_project, run
from tests.support.crash_project import start_halted as halted
from tests.support.magento import Creds
from tests.support.sops import make_age_key

LONG = os.environ.get("PROVISIONER_LONG") == "1"
CONNECTIONS = 94 if LONG else 6  # short: every point still killed once, the re-seals of 6 records (first, middle, last)
POINTS = ("opened:1", "locked:1", "rekey-verified:1", *(f"rekey-resealed:{k}" for k in range(1, CONNECTIONS + 1)),
          "rekey-written:1", "rekey-committed:1", "released:1")
COMMITTED = frozenset({"rekey-committed:1", "released:1"})  # killed here: the new key rules
UNLEASED = frozenset({"opened:1", "released:1"})  # killed here: no lease left behind
RUNS = {"sqlite": len(POINTS), "postgresql": 25 if LONG else 5}
WORKERS = 2  # crash runs at once (each on its own copy of the state)
HANG_GUARD = 180  # seconds: only so that a broken run fails instead of hanging; never a measurement


@dataclass(frozen=True)
class Seed:
    """One applied state to copy for each run, and what its records must still hold afterwards."""

    kind: str  # "sqlite" | "postgresql"
    project: CrashProject
    new_key: bytes
    new_key_file: Path
    secrets: dict[str, dict[str, str]]
    clone: Callable[[], str]


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def under(project: CrashProject, key: bytes) -> CrashProject:
    """The same project, its CLI children given ``key`` as the state key."""
    return replace(project, key=key, base_env={**project.base_env, "PROVISIONER_STATE_KEY": b64(key)})


def opened_with(url: str, key: bytes) -> dict[str, dict[str, str]] | None:
    """Every record's secrets when ``key`` opens the state (MACs, chain and history verified); None: wrong key."""
    try:
        store = open_store(url, workspace="default", key=key)
    except StateError as exc:
        assert exc.code == "state-wrong-key", exc
        return None
    with store:
        snapshot = store.snapshot()
        assert not snapshot.tampered, snapshot.tampered
        store.history()
        return {address: store.unseal(address) for address in snapshot.records}


def sqlite_cloner(seed_db: Path, root: Path) -> Callable[[], str]:
    counter = iter(range(1_000_000))

    def clone() -> str:
        target = root / f"run-{next(counter)}"
        target.mkdir()
        for part in seed_db.parent.glob(seed_db.name + "*"):  # the database and any WAL left with it
            shutil.copy2(part, target / part.name)
        return f"sqlite:///{target / seed_db.name}"
    return clone


def postgres_cloner(seed_url: str) -> Callable[[], str]:
    counter = iter(range(1_000_000))
    base, seed_name = seed_url.rsplit("/", 1)

    def clone() -> str:
        name = f"{seed_name}_run_{next(counter)}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{seed_name}"')
        return f"{base}/{name}"
    return clone


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CrashProject, Path]]:
    creds = Creds.fresh()
    root = tmp_path_factory.mktemp("rekey-crash")
    with running_sandbox(SandboxConfig((creds.integration(),))) as sandbox:
        project = make_project(root / "shop", make_age_key(root / "keys"), sandbox.base_uri, creds, CONNECTIONS)
        yield project, root


@pytest.fixture(params=["sqlite", "postgresql"])
def seed(request: pytest.FixtureRequest, applied: tuple[CrashProject, Path],
         tmp_path_factory: pytest.TempPathFactory) -> Seed:
    project, root = applied
    work = tmp_path_factory.mktemp(f"rekey-{request.param}")
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
        url = server.create_database()
    else:
        url = f"sqlite:///{work / 'seed' / 'state.db'}"
    done = run(project, url, "apply", "--auto-approve")
    assert done.returncode == 0, done.stdout + done.stderr
    secrets = opened_with(url, project.key)
    assert secrets is not None and len(secrets) == CONNECTIONS
    new_key = os.urandom(32)
    key_file = root / "keys" / f"new-{request.param}.key"
    key_file.write_text(b64(new_key) + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    clone = (postgres_cloner(url) if request.param == "postgresql"
             else sqlite_cloner(work / "seed" / "state.db", work))
    return Seed(request.param, project, new_key, key_file, secrets, clone)


def rekey_args(seed: Seed) -> tuple[str, ...]:
    return ("state", "rekey", "--new-key-file", str(seed.new_key_file))


def start_halted(seed: Seed, url: str, point: str) -> subprocess.Popen[str]:
    """A rekey halted at ``point``."""
    return halted(seed.project, url, point, *rekey_args(seed), hang_guard=HANG_GUARD)


@dataclass
class Outcome:
    run: int
    point: str
    ruling: str  # "old" | "new": the key that opens the state after the kill
    lease_left: bool


def kill_points(runs: int) -> list[str]:
    """``runs`` points spread evenly over the rekey's points (all of them when ``runs`` is their number)."""
    return [POINTS[round(i * (len(POINTS) - 1) / max(1, runs - 1))] for i in range(runs)]


def crash_once(seed: Seed, index: int, point: str) -> Outcome:
    url = seed.clone()
    context = f"run {index} ({url.split(':', 1)[0]}) killed at {point}"
    child = start_halted(seed, url, point)
    child.send_signal(signal.SIGKILL)
    _, err = child.communicate(timeout=HANG_GUARD)
    assert child.returncode == -signal.SIGKILL, f"{context}: {err}"

    old, new = opened_with(url, seed.project.key), opened_with(url, seed.new_key)
    assert (old is None) != (new is None), f"{context}: exactly one key must open the state"
    ruling_key = seed.new_key if new is not None else seed.project.key
    assert (new is not None) == (point in COMMITTED), context
    assert (old or new) == seed.secrets, f"{context}: every record verifies and unseals to what it held"
    listed = run(under(seed.project, ruling_key), url, "state", "list")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, f"{context}: {listed.stderr}"
    with open_store(url, workspace="default", key=ruling_key) as store:
        leases, entries = store.locks(), store.history()
    assert [e.action for e in entries].count("rekey") == (point in COMMITTED), context
    assert bool(leases) == (point not in UNLEASED), f"{context}: {leases}"
    if leases:
        assert leases[0].holder.endswith(f"pid={child.pid}") and leases[0].operation == "rekey", context

    # The next run converges: rekey again under the key that rules (no --lock-timeout: a dead holder's
    # lease is taken over at once), then the new key opens a state with nothing to change.
    again = run(under(seed.project, ruling_key), url, *rekey_args(seed))
    assert again.returncode == 0 and "Traceback" not in again.stderr, f"{context}: rekey again: {again.stderr}"
    assert opened_with(url, seed.project.key) is None, f"{context}: the old key still opens after the rekey"
    assert opened_with(url, seed.new_key) == seed.secrets, context
    plan = run(under(seed.project, seed.new_key), url, "plan", "--detailed-exitcode")
    assert plan.returncode == 0, f"{context}: plan after the rekey: {plan.stdout}\n{plan.stderr}"
    with open_store(url, workspace="default", key=seed.new_key) as store:
        entries = store.history()
        assert store.locks() == []
    takeovers = [e for e in entries if e.action == "lock-takeover"]
    assert len(takeovers) == bool(leases), f"{context}: {takeovers}"
    assert [e.action for e in entries].count("rekey") == 1 + (point in COMMITTED), context
    return Outcome(index, point, "new" if new is not None else "old", bool(leases))


def test_sigkill_at_every_point_of_a_rekey_leaves_one_key_and_a_state_that_converges(seed, capsys):
    kind = seed.kind
    points = kill_points(RUNS[kind])
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(lambda args: crash_once(seed, *args), list(enumerate(points))))

    with capsys.disabled():
        print(f"\nrekey crash test ({kind}): {len(points)} kills, {CONNECTIONS} records")
        for o in outcomes:
            lease = "lease left" if o.lease_left else "no lease"
            print(f"  run {o.run:3d}: killed at {o.point:20s} {o.ruling} key rules, {lease}")
    assert {o.ruling for o in outcomes} == {"old", "new"}, "kills on both sides of the commit"
    assert any(o.point.startswith("rekey-resealed") for o in outcomes), "a kill inside the transaction"
