"""Crash safety of ``provisioner apply``: SIGKILL at chosen points of its progress, and Ctrl-C/SIGTERM.

Real processes and signals, real sops, the real sandbox (with latency, so other tests are in
flight when a run is killed), real SQLite and PostgreSQL.

Deterministic: a kill point is a named point of the run's progress, not a moment in time. The
apply is started with ``PROVISIONER_TEST_HALT_AT=POINT:N`` (provisioner/apply/checkpoints.py): the
N-th time it reaches POINT it says so on a pipe and halts there; the test then sends SIGKILL
(or SIGINT/SIGTERM). The points of one run, in order: ``opened`` (state open, no lease yet),
``locked``, ``started`` (planned and decrypted), ``before-commit:K`` (connection K passed its
test and the target's put, K-1 are committed) and ``after-commit:K``, ``finished`` (every
connection committed, lease still held), ``released``. A run of N points kills at N of them,
spread evenly over the whole run; more points than that repeat at other parallelisms. Each
run's point and what it found are printed.
``PROVISIONER_CRASH_RUNS=N`` changes the SQLite count (20); ``PROVISIONER_LONG=1`` runs 100 on
SQLite and every point on PostgreSQL (default 5).
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from provisioner.sandbox import SandboxConfig, running_sandbox
from provisioner.state.records import HistoryEntry, LockInfo
from tests.support.crash_project import CrashProject, check_consistent, make_project, opened_store, run
from tests.support.crash_project import start_halted as halted
from tests.support.magento import Creds
from tests.support.sops import make_age_key

CONNECTIONS = 12
PARALLELISM = 4
LATENCY_MS = 300
LONG = os.environ.get("PROVISIONER_LONG") == "1"
POINTS = ("opened:1", "locked:1", "started:1",
          *(f"{side}-commit:{k}" for k in range(1, CONNECTIONS + 1) for side in ("before", "after")),
          "finished:1", "released:1")
RUNS = {"sqlite": int(os.environ.get("PROVISIONER_CRASH_RUNS") or (100 if LONG else 20)),
        "postgresql": len(POINTS) if LONG else 5}
PARALLELISMS = (PARALLELISM, 1, CONNECTIONS)  # beyond one pass over the points, the next pass changes this
WORKERS = 2  # crash runs at once (each on its own state)
HANG_GUARD = 180  # seconds: only so that a broken run fails instead of hanging; never a measurement


def apply_args(parallelism: int = PARALLELISM) -> tuple[str, ...]:
    return ("apply", "--auto-approve", "--parallelism", str(parallelism))


def kill_points(runs: int) -> list[tuple[str, int]]:
    """``runs`` (point, parallelism) pairs: spread evenly over one run's points, then again at other parallelisms."""
    if runs <= len(POINTS):
        return [(POINTS[round(i * (len(POINTS) - 1) / max(1, runs - 1))], PARALLELISM) for i in range(runs)]
    return [(POINTS[i % len(POINTS)], PARALLELISMS[i // len(POINTS) % len(PARALLELISMS)]) for i in range(runs)]


def expected_at(point: str) -> tuple[int, bool]:
    """(records committed, lease held) when the run is killed at ``point``."""
    name, n = point.rsplit(":", 1)
    return {"opened": (0, False), "locked": (0, True), "started": (0, True), "before-commit": (int(n) - 1, True),
            "after-commit": (int(n), True), "finished": (CONNECTIONS, True), "released": (CONNECTIONS, False)}[name]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrashProject]:
    creds = Creds.fresh()
    root = tmp_path_factory.mktemp("crash")
    with running_sandbox(SandboxConfig((creds.integration(),), latency_ms=LATENCY_MS)) as sandbox:
        yield make_project(root / "shop", make_age_key(root / "keys"), sandbox.base_uri, creds, CONNECTIONS)


@pytest.fixture(params=["sqlite", "postgresql"])
def state_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """A factory of fresh, empty states on the backend (one per run)."""
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
        return server.create_database  # type: ignore[no-any-return]
    counter = iter(range(1_000_000))
    return lambda: f"sqlite:///{tmp_path / f'state-{next(counter)}' / 'state.db'}"


def backend(url: str) -> str:
    return url.split(":", 1)[0]


def start_halted(project: CrashProject, url: str, point: str, parallelism: int = PARALLELISM) -> subprocess.Popen[str]:
    """An apply halted at ``point``."""
    return halted(project, url, point, *apply_args(parallelism), hang_guard=HANG_GUARD)


@dataclass
class Outcome:
    run: int
    point: str
    parallelism: int
    committed: int  # records in the state after the kill
    lease_left: bool  # the dead run's lease was still in the state


def held_leases(project: CrashProject, url: str) -> list[LockInfo]:
    with opened_store(project, url) as store:
        return store.locks()


def history(project: CrashProject, url: str) -> list[HistoryEntry]:
    with opened_store(project, url) as store:
        return store.history()


def crash_once(project: CrashProject, url: str, index: int, point: str, parallelism: int) -> Outcome:
    context = f"run {index} ({backend(url)}, parallelism {parallelism}) killed at {point}"
    child = start_halted(project, url, point, parallelism)
    child.send_signal(signal.SIGKILL)
    _, err = child.communicate(timeout=HANG_GUARD)
    assert child.returncode == -signal.SIGKILL, f"{context}: {err}"

    snapshot = check_consistent(project, url, context)
    lease_left = bool(held_leases(project, url))
    assert (len(snapshot.records), lease_left) == expected_at(point), context
    if lease_left:
        assert held_leases(project, url)[0].holder.endswith(f"pid={child.pid}"), context

    again = run(project, url, *apply_args())  # no --lock-timeout: a dead holder's lease is taken over at once
    assert again.returncode == 0, f"{context}: re-apply: {again.stdout}\n{again.stderr}"
    assert "Traceback" not in again.stderr, context
    plan = run(project, url, "plan", "--detailed-exitcode")
    assert plan.returncode == 0, f"{context}: plan after re-apply: {plan.stdout}\n{plan.stderr}"
    final = check_consistent(project, url, context + ", after re-apply")
    assert sorted(final.records) == project.addresses, context
    untouched = {a for a, r in snapshot.records.items() if final.records[a].serial == r.serial}
    assert untouched == set(snapshot.records), f"{context}: re-apply rewrote records the crash had committed"
    takeovers = [e for e in history(project, url) if e.action == "lock-takeover"]
    assert len(takeovers) == lease_left, f"{context}: {takeovers}"
    if lease_left:
        assert f"pid={child.pid}" in (takeovers[0].detail or ""), context
    return Outcome(index, point, parallelism, len(snapshot.records), lease_left)


def test_sigkill_at_every_stage_of_progress_leaves_a_state_that_converges(project, state_urls, capsys):
    """Each run: SIGKILL at a chosen point; the state verifies and agrees with history; re-apply converges."""
    kind = backend(state_urls())
    points = kill_points(RUNS[kind])
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(lambda args: crash_once(project, state_urls(), *args),
                                 [(i, p, n) for i, (p, n) in enumerate(points)]))

    with capsys.disabled():
        print(f"\ncrash test ({kind}): {len(points)} kills")
        for o in outcomes:
            lease = "lease left" if o.lease_left else "no lease"
            print(f"  run {o.run:3d}: parallelism {o.parallelism:2d}, killed at {o.point:17s} "
                  f"{o.committed:2d} committed, {lease}")
    between = [o for o in outcomes if 0 < o.committed < CONNECTIONS]
    assert between, f"no kill between commits in {points}"  # by construction; guards a change of POINTS


def test_ctrl_c_stops_new_work_finishes_tests_in_flight_and_releases_the_lease(project, tmp_path):
    url = sqlite_url(tmp_path)
    child = start_halted(project, url, "after-commit:1")  # the first commit: tests are running, more wait to start
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=HANG_GUARD)
    lines = out.splitlines(keepends=True)

    assert child.returncode == 1, err
    assert "interrupt: no new work starts; waiting for tests in flight" in err and "Traceback" not in err
    applied = [line for line in lines if line.startswith("applied ")]
    skipped = [line for line in lines if line.startswith("skipped ")]
    # at the signal one wave of PARALLELISM tests had started and no other: they finish and are
    # committed; the rest never starts
    assert len(applied) == PARALLELISM, lines
    assert len(applied) + len(skipped) == CONNECTIONS, lines
    assert all("interrupted before it started" in line for line in skipped), skipped
    summary = next(line for line in lines if line.startswith("Apply "))  # the not-applied items follow it
    assert summary.startswith(f"Apply incomplete: {len(applied)} applied, 0 deleted, 0 failed, 0 errors, "
                              f"{len(skipped)} skipped"), summary
    assert "interrupted: run apply again to finish" in summary

    assert held_leases(project, url) == []
    locks = run(project, url, "state", "locks")
    assert locks.returncode == 0 and "no lock" in locks.stdout, locks.stdout
    snapshot = check_consistent(project, url, "after Ctrl-C")
    assert sorted(snapshot.records) == sorted(line.split()[2] for line in applied)

    again = run(project, url, *apply_args())  # at once: the lease was released, not left to be taken over
    assert again.returncode == 0, again.stderr
    assert f"Apply complete: {len(skipped)} applied" in again.stdout
    assert run(project, url, "plan", "--detailed-exitcode").returncode == 0
    assert not [e for e in history(project, url) if e.action == "lock-takeover"]
    assert sorted(check_consistent(project, url, "after re-apply").records) == project.addresses


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state' / 'state.db'}"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_before_the_work_starts_releases_the_lease_with_a_clear_message(project, tmp_path, signum):
    """Under the lease, before planning and decrypting: nothing is committed yet."""
    url = sqlite_url(tmp_path)
    child = start_halted(project, url, "locked:1")
    child.send_signal(signum)
    out, err = child.communicate(timeout=HANG_GUARD)

    assert child.returncode == 128 + signum, out + err
    assert f"interrupted by {signal.Signals(signum).name}: stopped" in err and "Traceback" not in err
    assert held_leases(project, url) == []  # released on the way out, not left for someone to take over
    assert check_consistent(project, url, "signal before work").records == {}
    again = run(project, url, *apply_args())
    assert again.returncode == 0 and f"Apply complete: {CONNECTIONS} applied" in again.stdout, again.stderr
    assert not [e for e in history(project, url) if e.action == "lock-takeover"]
