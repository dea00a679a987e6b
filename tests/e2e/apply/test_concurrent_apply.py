"""Two ``provisioner apply`` runs on one workspace at once (a fresh state: schema, lease, writes).

Real processes, real sops, the real sandbox, SQLite and PostgreSQL. Without --lock-timeout the
loser fails at once naming the winner (holder with its pid, operation, lock id); with a generous
one it waits and then finds nothing left to do. Either way nothing is lost or written twice.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioner.apply.checkpoints import ENV_HALT_AT, ENV_HALT_FD, ENV_RESUME_FD
from provisioner.sandbox import SandboxConfig, running_sandbox
from provisioner.state import open_store
from tests.support.crash_project import CrashProject, check_consistent, make_project, run, start_cli
from tests.support.magento import Creds
from tests.support.sops import make_age_key

CONNECTIONS = 12
APPLY = ("apply", "--auto-approve", "--parallelism", "4")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrashProject]:
    creds = Creds.fresh()
    root = tmp_path_factory.mktemp("concurrent")
    with running_sandbox(SandboxConfig((creds.integration(),), latency_ms=200)) as sandbox:
        yield make_project(root / "shop", make_age_key(root / "keys"), sandbox.base_uri, creds, CONNECTIONS)


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_server").create_database()  # type: ignore[no-any-return]
    return f"sqlite:///{tmp_path / 'state' / 'state.db'}"


def holder_and_contender(project: CrashProject, url: str, *extra: str) -> list[tuple[int, int, str, str]]:
    """(pid, exit code, stdout, stderr) of two applies that really overlap, whatever the machine's load.

    The first halts as soon as it holds the lease (the ``locked`` checkpoint) and says so on a pipe;
    only then does the second start. The second runs to its end (failing at once, or waiting for the
    lease with --lock-timeout) while the first is still halted — or, when it waits, until the test
    lets the first go on by writing to its resume pipe. No timing decides who wins.
    """
    halted_r, halted_w = os.pipe()
    resume_r, resume_w = os.pipe()
    try:
        first = start_cli(project, url, *APPLY, extra_env={
            ENV_HALT_AT: "locked:1", ENV_HALT_FD: str(halted_w), ENV_RESUME_FD: str(resume_r)},
            pass_fds=(halted_w, resume_r))
        with os.fdopen(halted_r, encoding="utf-8", closefd=False) as announced:
            line = announced.readline()
        assert line.startswith("halted locked:1"), (line, first.communicate(timeout=120))
        second = start_cli(project, url, *APPLY, *extra)
        if not extra:  # without --lock-timeout the second fails at once, the first still halted
            out2, err2 = second.communicate(timeout=120)
        os.write(resume_w, b"go\n")
        out1, err1 = first.communicate(timeout=120)
        if extra:
            out2, err2 = second.communicate(timeout=120)
        return [(first.pid, first.returncode, out1, err1), (second.pid, second.returncode, out2, err2)]
    finally:
        for fd in (halted_r, halted_w, resume_r, resume_w):
            os.close(fd)


def applied(out: str) -> int:
    return sum(line.startswith("applied ") for line in out.splitlines())


def assert_nothing_lost(project: CrashProject, url: str) -> None:
    """Every connection once, serial = number of writes, one create per connection in history."""
    snapshot = check_consistent(project, url, "after both applies")
    assert sorted(snapshot.records) == project.addresses
    assert snapshot.serial == CONNECTIONS
    with open_store(url, workspace="default", key=project.key) as store:
        creates = sorted(e.address or "" for e in store.history() if e.action == "create")
        assert store.locks() == []
    assert creates == project.addresses
    plan = run(project, url, "plan", "--detailed-exitcode")
    assert plan.returncode == 0, plan.stdout + plan.stderr


def test_without_lock_timeout_the_second_fails_naming_the_first(project: CrashProject, state_url: str) -> None:
    results = holder_and_contender(project, state_url)
    winners = [r for r in results if r[1] == 0]
    losers = [r for r in results if r[1] != 0]
    assert len(winners) == 1 and len(losers) == 1, [(code, err) for _, code, _, err in results]
    (winner_pid, _, winner_out, _), (_, code, loser_out, loser_err) = winners[0], losers[0]

    assert f"Apply complete: {CONNECTIONS} applied" in winner_out
    assert code == 1 and "Traceback" not in loser_err and "applied " not in loser_out
    match = re.search(r"error\[locked\]: workspace default is locked by (\S+@\S+ pid=(\d+)) for 'apply' since "
                      r"[0-9-]+ [0-9:]+ UTC \(lock ([0-9a-f-]{36})\)", loser_err)
    assert match is not None, loser_err
    assert int(match[2]) == winner_pid  # it names the other run, by pid
    assert f"provisioner state unlock {match[3]}" in loser_err  # and says how to release it if that run is gone
    assert_nothing_lost(project, state_url)


def test_with_a_generous_lock_timeout_both_succeed_in_turn(project: CrashProject, state_url: str) -> None:
    results = holder_and_contender(project, state_url, "--lock-timeout", "60")
    assert [code for _, code, _, _ in results] == [0, 0], [err for _, _, _, err in results]
    outputs = sorted((out for _, _, out, _ in results), key=lambda out: "No changes" in out)
    first, second = outputs
    assert f"Apply complete: {CONNECTIONS} applied" in first
    assert "No changes. Nothing to apply." in second and "applied " not in second  # planned after waiting
    assert_nothing_lost(project, state_url)


def test_many_applies_at_once_write_each_connection_once(project: CrashProject, state_url: str) -> None:
    """Four at once, some waiting, some giving up: whatever the interleaving, every write happens once."""
    children = [start_cli(project, state_url, *APPLY, "--lock-timeout", timeout) for timeout in ("60", "0", "60", "0")]
    done: list[tuple[int, str, str]] = []
    for child in children:
        out, err = child.communicate(timeout=120)
        done.append((child.returncode, out, err))
    for code, out, err in done:
        assert code == 0 or "error[locked]: workspace default is locked by" in err, (code, out, err)
        assert "Traceback" not in err
    assert sum(applied(out) for _, out, _ in done) == CONNECTIONS
    assert_nothing_lost(project, state_url)
