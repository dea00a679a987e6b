"""Ctrl-C, SIGINT and SIGTERM during an apply, each at a chosen point of its progress (tests/e2e/apply/crash.py):
work in flight finishes, nothing new starts, the lease is released, the message is clear, a re-apply converges."""

from __future__ import annotations

import signal

import pytest

from tests.e2e.apply.crash import (
    CONNECTIONS,
    HANG_GUARD,
    PARALLELISM,
    apply_args,
    held_leases,
    history,
    sqlite_url,
    start_halted,
)
from tests.support.crash_project import check_consistent, progress, run


def test_ctrl_c_stops_new_work_finishes_tests_in_flight_and_releases_the_lease(crash_project, tmp_path):
    url = sqlite_url(tmp_path)
    # the first group commit: tests are running, more wait to start
    child, note = start_halted(crash_project, url, "after-commit:1")
    started = progress(note)["started"]
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=HANG_GUARD)
    lines = out.splitlines(keepends=True)

    assert child.returncode == 1, err
    assert "interrupt: no new work starts; waiting for tests in flight" in err and "Traceback" not in err
    applied = [line for line in lines if line.startswith("applied ")]
    skipped = [line for line in lines if line.startswith("skipped ")]
    # at the signal at least one wave of PARALLELISM tests had started (the halting line says how many):
    # they finish and are committed; the rest never starts
    assert PARALLELISM <= started < CONNECTIONS, note
    assert len(applied) == started, (note, lines)
    assert len(applied) + len(skipped) == CONNECTIONS, lines
    assert all("interrupted before it started" in line for line in skipped), skipped
    summary = next(line for line in lines if line.startswith("Apply "))  # the not-applied items follow it
    assert summary.startswith(f"Apply incomplete: {len(applied)} applied, 0 deleted, 0 failed, 0 errors, "
                              f"{len(skipped)} skipped"), summary
    assert "interrupted: run apply again to finish" in summary

    assert held_leases(crash_project, url) == []
    locks = run(crash_project, url, "state", "locks")
    assert locks.returncode == 0 and "no lock" in locks.stdout, locks.stdout
    snapshot = check_consistent(crash_project, url, "after Ctrl-C")
    assert sorted(snapshot.records) == sorted(line.split()[2] for line in applied)

    again = run(crash_project, url, *apply_args())  # at once: the lease was released, not left to be taken over
    assert again.returncode == 0, again.stderr
    assert f"Apply complete: {len(skipped)} applied" in again.stdout
    assert run(crash_project, url, "plan", "--detailed-exitcode").returncode == 0
    assert not [e for e in history(crash_project, url) if e.action == "lock-takeover"]
    assert sorted(check_consistent(crash_project, url, "after re-apply").records) == crash_project.addresses




@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_before_the_work_starts_releases_the_lease_with_a_clear_message(crash_project, tmp_path, signum):
    """Under the lease, before planning and decrypting: nothing is committed yet."""
    url = sqlite_url(tmp_path)
    child, _ = start_halted(crash_project, url, "locked:1")
    child.send_signal(signum)
    out, err = child.communicate(timeout=HANG_GUARD)

    assert child.returncode == 128 + signum, out + err
    assert f"interrupted by {signal.Signals(signum).name}: stopped" in err and "Traceback" not in err
    assert held_leases(crash_project, url) == []  # released on the way out, not left for someone to take over
    assert check_consistent(crash_project, url, "signal before work").records == {}
    again = run(crash_project, url, *apply_args())
    assert again.returncode == 0 and f"Apply complete: {CONNECTIONS} applied" in again.stdout, again.stderr
    assert not [e for e in history(crash_project, url) if e.action == "lock-takeover"]
