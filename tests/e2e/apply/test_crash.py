"""Crash safety of ``provisioner apply``: SIGKILL at random points, and Ctrl-C (SIGINT) once.

Real processes and signals, real sops, the real sandbox (with latency, so a run lasts long
enough to be hit while it tests and commits), real SQLite and PostgreSQL.

Kill points are drawn from a seeded RNG, one in each of RUNS equal slices of 80% of the
measured duration of an uninterrupted run (the shortest of four, two at a time), so both the
very early points (imports, lease, plan, decrypt) and the very late ones (last commits, lease
release, exit) are hit; each run's kill point and what it hit are printed.
Reproduce a run with ``PROVISIONER_CRASH_SEED=N``; ``PROVISIONER_CRASH_RUNS=N`` changes the count.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from provisioner.sandbox import SandboxConfig, running_sandbox
from provisioner.state.records import HistoryEntry, LockInfo
from tests.support.crash_project import CrashProject, check_consistent, make_project, opened_store, run, start_cli
from tests.support.magento import Creds
from tests.support.sops import make_age_key

CONNECTIONS = 12
PARALLELISM = "4"
LATENCY_MS = 300
RUNS = {"sqlite": int(os.environ.get("PROVISIONER_CRASH_RUNS") or 20), "postgresql": 5}
WORKERS = 2  # crash runs at once (each on its own state)
SEED = int(os.environ.get("PROVISIONER_CRASH_SEED") or random.SystemRandom().randrange(1_000_000))
APPLY = ("apply", "--auto-approve", "--parallelism", PARALLELISM)


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


@dataclass
class Outcome:
    run: int
    delay: float
    killed: bool  # False: the apply had already exited when the kill came
    committed: int  # records in the state after the kill
    lease_left: bool  # the dead run's lease was still in the state

    def phase(self) -> str:
        if not self.killed:
            return "after exit"
        if self.committed == 0:
            return "holding lease, before any commit" if self.lease_left else "before lease (or after release)"
        if self.committed < CONNECTIONS:
            return "between commits"
        return "after last commit"


def held_leases(project: CrashProject, url: str) -> list[LockInfo]:
    with opened_store(project, url) as store:
        return store.locks()


def history(project: CrashProject, url: str) -> list[HistoryEntry]:
    with opened_store(project, url) as store:
        return store.history()


def crash_once(project: CrashProject, url: str, index: int, delay: float) -> Outcome:
    context = f"seed {SEED} run {index} ({backend(url)}) kill after {delay:.3f}s"
    child = start_cli(project, url, *APPLY)
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    _, err = child.communicate(timeout=60)
    killed = child.returncode == -signal.SIGKILL
    if not killed:
        assert child.returncode == 0, f"{context}: {err}"

    snapshot = check_consistent(project, url, context)
    lease_left = bool(held_leases(project, url))
    if lease_left:
        assert held_leases(project, url)[0].holder.endswith(f"pid={child.pid}"), context

    again = run(project, url, *APPLY)  # no --lock-timeout: a dead holder's lease is taken over at once
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
    return Outcome(index, delay, killed, len(snapshot.records), lease_left)


def test_sigkill_at_random_points_leaves_a_state_that_converges(project, state_urls, capsys):
    """Each run: SIGKILL at a random point; the state verifies and agrees with history; re-apply converges."""
    def uninterrupted(_: int) -> float:  # how long a whole run takes, WORKERS of them at once
        url = state_urls()
        started = time.monotonic()
        done = run(project, url, *APPLY)
        assert done.returncode == 0, done.stderr
        check_consistent(project, url, "uninterrupted")
        return time.monotonic() - started

    with ThreadPoolExecutor(WORKERS) as pool:  # two rounds: the first one may be cold (page cache, sandbox)
        duration = min(pool.map(uninterrupted, range(2 * WORKERS)))
    url = state_urls()
    runs = RUNS[backend(url)]
    rng = random.Random(f"{SEED}-{backend(url)}")
    span = 0.8 * duration  # the runs below overlap lighter work than two whole applies: they end sooner
    delays = [rng.uniform(i * span / runs, (i + 1) * span / runs) for i in range(runs)]
    with capsys.disabled():
        print(f"\ncrash test ({backend(url)}): seed {SEED}, {runs} runs, uninterrupted apply {duration:.2f}s")
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(lambda args: crash_once(project, state_urls(), *args), enumerate(delays)))

    with capsys.disabled():
        for o in outcomes:
            print(f"  run {o.run:2d}: kill at {o.delay:5.2f}s  {o.phase():34s} {o.committed:2d} committed")
    phases = {o.phase() for o in outcomes}
    assert "between commits" in phases, f"seed {SEED}: no kill landed between commits: {phases}"
    assert sum(o.killed for o in outcomes) >= runs // 2, f"seed {SEED}: most kills came after the run ended"


def read_until(child: subprocess.Popen[str], prefix: str) -> list[str]:
    """Lines of the child's stdout up to and including the first that starts with ``prefix``."""
    assert child.stdout is not None
    lines = []
    for line in child.stdout:
        lines.append(line)
        if line.startswith(prefix):
            return lines
    raise AssertionError(f"the apply ended before printing {prefix!r}: {''.join(lines)}")


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state' / 'state.db'}"


def test_ctrl_c_stops_new_work_finishes_tests_in_flight_and_releases_the_lease(project, tmp_path):
    url = sqlite_url(tmp_path)
    child = start_cli(project, url, *APPLY)
    before = read_until(child, "applied ")  # the first commit: tests are running, more wait to start
    child.send_signal(signal.SIGINT)
    rest, err = child.communicate(timeout=60)
    lines = before + rest.splitlines(keepends=True)

    assert child.returncode == 1, err
    assert "interrupt: no new work starts; waiting for tests in flight" in err and "Traceback" not in err
    applied = [line for line in lines if line.startswith("applied ")]
    skipped = [line for line in lines if line.startswith("skipped ")]
    # at the signal one wave of PARALLELISM tests ran (the next at most had started): they finish and
    # are committed; the rest never starts
    assert 1 <= len(applied) <= 2 * int(PARALLELISM), lines
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

    again = run(project, url, *APPLY)  # at once: the lease was released, not left to be taken over
    assert again.returncode == 0, again.stderr
    assert f"Apply complete: {len(skipped)} applied" in again.stdout
    assert run(project, url, "plan", "--detailed-exitcode").returncode == 0
    assert not [e for e in history(project, url) if e.action == "lock-takeover"]
    assert sorted(check_consistent(project, url, "after re-apply").records) == project.addresses


def wait_for_lease(url: str, child: subprocess.Popen[str]) -> None:
    """Poll the SQLite state (read-only) until ``child`` holds the workspace lease."""
    path = url.removeprefix("sqlite:///")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and child.poll() is None:
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                if db.execute("SELECT holder FROM leases").fetchall():
                    return
        except sqlite3.Error:
            pass  # not created yet
        time.sleep(0.005)
    raise AssertionError("the apply never took the lease")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_before_the_work_starts_releases_the_lease_with_a_clear_message(project, tmp_path, signum):
    """Under the lease, while planning and decrypting: nothing is committed yet."""
    url = sqlite_url(tmp_path)
    child = start_cli(project, url, *APPLY)
    wait_for_lease(url, child)
    child.send_signal(signum)
    out, err = child.communicate(timeout=60)

    assert child.returncode == 128 + signum, out + err
    assert f"interrupted by {signal.Signals(signum).name}: stopped" in err and "Traceback" not in err
    assert held_leases(project, url) == []  # released on the way out, not left for someone to take over
    assert check_consistent(project, url, "signal before work").records == {}
    again = run(project, url, *APPLY)
    assert again.returncode == 0 and f"Apply complete: {CONNECTIONS} applied" in again.stdout, again.stderr
    assert not [e for e in history(project, url) if e.action == "lock-takeover"]
