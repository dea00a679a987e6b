"""Crash safety of ``provisioner apply``: the kill points, the project, and one SIGKILL run and its checks.

Real processes and signals, real sops, the real sandbox (with latency, so other tests are in
flight when a run is killed), real SQLite and PostgreSQL. Used by test_crash.py (SQLite),
test_crash_postgres.py and test_crash_signals.py (Ctrl-C, SIGTERM), a file each so that xdist's
``--dist loadfile`` spreads them over the workers.

Deterministic: a kill point is a named point of the run's progress, not a moment in time. The
apply is started with ``PROVISIONER_TEST_HALT_AT=POINT:N`` (provisioner/apply/checkpoints.py): the
N-th time it reaches POINT it says so on a pipe and halts there; the test then sends SIGKILL
(or SIGINT/SIGTERM). The points of one run, in order: ``opened`` (state open, no lease yet),
``locked``, ``started`` (planned and decrypted), ``before-commit:K`` (connection K passed its
test and the target's put; the group commit that takes it is about to start, fewer than K are
committed) and ``after-commit:K`` (that group is committed: K or more), ``finished`` (every
connection committed, lease still held), ``released``. How many a group holds depends on which
tests finished together, so a commit point's halting line says how many were committed
(``committed=N started=M``), and the test checks the state holds exactly that many, and that N is on the
right side of K.

The default SQLite run kills at ``SHORT_POINTS``: every kind of point once, and both sides of the
first, a middle and the last commit, at parallelisms 4, 1 and 12 in turn. ``PROVISIONER_CRASH_RUNS=N``
(or ``PROVISIONER_LONG=1``: 100) kills at N points spread evenly over the whole run, more points than
that repeating at other parallelisms; PostgreSQL kills at 5 points spread so (every point with
``PROVISIONER_LONG=1``). Each run's point and what it found are printed.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from provisioner.state.records import HistoryEntry, LockInfo
from tests.support.crash_project import CrashProject, check_consistent, halt, opened_store, progress, run

CONNECTIONS = 12
PARALLELISM = 4
LATENCY_MS = 300
LONG = os.environ.get("PROVISIONER_LONG") == "1"
POINTS = ("opened:1", "locked:1", "started:1",
          *(f"{side}-commit:{k}" for k in range(1, CONNECTIONS + 1) for side in ("before", "after")),
          "finished:1", "released:1")
MIDDLE = CONNECTIONS // 2
SHORT_POINTS = ("opened:1", "locked:1", "started:1", "before-commit:1", "after-commit:1",
                f"before-commit:{MIDDLE}", f"after-commit:{MIDDLE}", f"before-commit:{CONNECTIONS}",
                f"after-commit:{CONNECTIONS}", "finished:1", "released:1")
PARALLELISMS = (PARALLELISM, 1, CONNECTIONS)
RUNS_SET = os.environ.get("PROVISIONER_CRASH_RUNS") or ("100" if LONG else "")
RUNS = {"sqlite": int(RUNS_SET) if RUNS_SET else None, "postgresql": len(POINTS) if LONG else 5}
WORKERS = 2  # crash runs at once (each on its own state)
HANG_GUARD = 180  # seconds: only so that a broken run fails instead of hanging; never a measurement


def apply_args(parallelism: int = PARALLELISM) -> tuple[str, ...]:
    return ("apply", "--auto-approve", "--parallelism", str(parallelism))


def kill_points(runs: int | None) -> list[tuple[str, int]]:
    """(point, parallelism) pairs: ``SHORT_POINTS`` for None; else ``runs`` spread evenly over one run's points,
    then again at other parallelisms."""
    if runs is None:
        return [(point, PARALLELISMS[i % len(PARALLELISMS)]) for i, point in enumerate(SHORT_POINTS)]
    if runs <= len(POINTS):
        return [(POINTS[round(i * (len(POINTS) - 1) / max(1, runs - 1))], PARALLELISM) for i in range(runs)]
    return [(POINTS[i % len(POINTS)], PARALLELISMS[i // len(POINTS) % len(PARALLELISMS)]) for i in range(runs)]


def expected_at(point: str, note: str) -> tuple[int, bool]:
    """(records committed, lease held) when the run is killed at ``point``, whose halting line said ``note``."""
    name, n = point.rsplit(":", 1)
    if name.endswith("-commit"):
        committed = progress(note)["committed"]
        # before the group that commits connection K: fewer than K so far; after it: K or more
        assert committed < int(n) if name == "before-commit" else committed >= int(n), f"{point}: {note}"
        return committed, True
    return {"opened": (0, False), "locked": (0, True), "started": (0, True), "finished": (CONNECTIONS, True),
            "released": (CONNECTIONS, False)}[name]


def sqlite_urls(tmp_path: Path) -> Callable[[], str]:
    """A factory of fresh, empty SQLite states (one per run)."""
    counter = iter(range(1_000_000))
    return lambda: f"sqlite:///{tmp_path / f'state-{next(counter)}' / 'state.db'}"


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state' / 'state.db'}"


def start_halted(project: CrashProject, url: str, point: str,
                 parallelism: int = PARALLELISM) -> tuple[subprocess.Popen[str], str]:
    """An apply halted at ``point``, and the note of its halting line."""
    return halt(project, url, point, *apply_args(parallelism), hang_guard=HANG_GUARD)


def held_leases(project: CrashProject, url: str) -> list[LockInfo]:
    with opened_store(project, url) as store:
        return store.locks()


def history(project: CrashProject, url: str) -> list[HistoryEntry]:
    with opened_store(project, url) as store:
        return store.history()


@dataclass
class Outcome:
    run: int
    point: str
    parallelism: int
    committed: int  # records in the state after the kill
    lease_left: bool  # the dead run's lease was still in the state


def crash_once(project: CrashProject, url: str, index: int, point: str, parallelism: int) -> Outcome:
    context = f"run {index} ({url.split(':', 1)[0]}, parallelism {parallelism}) killed at {point}"
    child, note = start_halted(project, url, point, parallelism)
    child.send_signal(signal.SIGKILL)
    _, err = child.communicate(timeout=HANG_GUARD)
    assert child.returncode == -signal.SIGKILL, f"{context}: {err}"

    snapshot = check_consistent(project, url, context)
    lease_left = bool(held_leases(project, url))
    assert (len(snapshot.records), lease_left) == expected_at(point, note), f"{context} ({note})"
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


def sigkill_runs(project: CrashProject, new_url: Callable[[], str], kind: str,
                 capsys: pytest.CaptureFixture[str]) -> None:
    """Each run: SIGKILL at a chosen point; the state verifies and agrees with history; re-apply converges."""
    points = kill_points(RUNS[kind])
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(lambda args: crash_once(project, new_url(), *args),
                                 [(i, p, n) for i, (p, n) in enumerate(points)]))

    with capsys.disabled():
        print(f"\ncrash test ({kind}): {len(points)} kills")
        for o in outcomes:
            lease = "lease left" if o.lease_left else "no lease"
            print(f"  run {o.run:3d}: parallelism {o.parallelism:2d}, killed at {o.point:17s} "
                  f"{o.committed:2d} committed, {lease}")
    between = [o for o in outcomes if 0 < o.committed < CONNECTIONS]
    assert between, f"no kill between commits in {points}"  # by construction; guards a change of POINTS
