"""Eight ``provisioner apply`` runs at once on one workspace, plus one from another PID namespace.

On SQLite and PostgreSQL, real processes, real sops and the sandbox: some wait (--lock-timeout),
some give up at once. No lost update, every connection written once, serials strictly increasing,
the history complete and its chain valid, the losers told who holds the lease — and the run in the
other namespace (a container's view: its pids mean nothing out here) is never taken over.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioner.sandbox import SandboxConfig, running_sandbox
from provisioner.state import open_store
from tests.support.cli import cli_env
from tests.support.crash_project import CrashProject, check_consistent, make_project, run, start_cli
from tests.support.magento import Creds
from tests.support.pidns import free_pid, in_new_pid_namespace, unshare_refusal
from tests.support.sops import make_age_key

CONNECTIONS = 10
APPLY = ("apply", "--auto-approve", "--parallelism", "4")
LOCKED = re.compile(r"error\[locked\]: workspace default is locked by \S+@\S+ pid=\d+ for 'apply' since "
                    r"[0-9-]+ [0-9:]+ UTC \(lock [0-9a-f-]{36}\)")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrashProject]:
    creds = Creds.fresh()
    root = tmp_path_factory.mktemp("concurrent8")
    with running_sandbox(SandboxConfig((creds.integration(),), latency_ms=100)) as sandbox:
        yield make_project(root / "shop", make_age_key(root / "keys"), sandbox.base_uri, creds, CONNECTIONS)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_server").create_database()  # type: ignore[no-any-return]
    return f"sqlite:///{tmp_path / 'state' / 'state.db'}"


def applied(out: str) -> int:
    return sum(line.startswith("applied ") for line in out.splitlines())


def test_eight_applies_and_one_from_another_pid_namespace_lose_nothing(project: CrashProject,
                                                                      state_url: str) -> None:
    reason = unshare_refusal()
    if reason:
        pytest.skip(reason)
    # A fresh state: the nine race over creating the schema and the workspace, then over the lease.
    children = [start_cli(project, state_url, *APPLY, "--lock-timeout", timeout)
                for timeout in ("120", "0", "120", "0", "120", "0", "120", "120")]
    other = in_new_pid_namespace([sys.executable, "-m", "provisioner", *APPLY, "--lock-timeout", "120"],
                                 pid=free_pid(), env=cli_env(project.env(state_url)), cwd=project.root)
    done: list[tuple[int, str, str]] = []
    try:
        for child in [*children, other]:
            out, err = child.communicate(timeout=300)
            done.append((child.returncode, out, err))
    finally:
        for child in [*children, other]:
            if child.poll() is None:
                os.killpg(other.pid, signal.SIGKILL) if child is other else child.kill()
    for code, out, err in done:
        assert "Traceback" not in err, err
        assert code == 0 or LOCKED.search(err), (code, out, err)  # a loser names who holds the lease
    assert done[-1][0] == 0, done[-1]  # the one in the other namespace waited its turn and finished
    assert sum(applied(out) for _, out, _ in done) == CONNECTIONS  # each connection written exactly once

    snapshot = check_consistent(project, state_url, "after nine applies")
    assert sorted(snapshot.records) == project.addresses and not snapshot.tampered
    assert snapshot.serial == CONNECTIONS
    with open_store(state_url, workspace="default", key=project.key) as store:
        history = store.history()  # verifies the whole history chain and the triggers
        assert store.locks() == []
    writes = [e for e in history if e.action in ("create", "update", "delete")]
    assert sorted(e.address or "" for e in writes if e.action == "create") == project.addresses
    assert [e.serial for e in writes] == list(range(1, CONNECTIONS + 1))  # strictly increasing, none lost
    assert [e for e in history if e.action == "lock-takeover"] == []  # no live holder was taken over
    plan = run(project, state_url, "plan", "--detailed-exitcode")
    assert plan.returncode == 0, plan.stdout + plan.stderr


def test_a_pid_namespace_check_is_really_made(project: CrashProject) -> None:
    """The namespaced run above is a real one: its provisioner sees itself as a low-numbered pid elsewhere."""
    reason = unshare_refusal()
    if reason:
        pytest.skip(reason)
    pid = free_pid()
    child = in_new_pid_namespace([sys.executable, "-c", "import os; print(os.getpid())"], pid=pid)
    out, _ = child.communicate(timeout=60)
    assert int(out) == pid and not Path(f"/proc/{pid}").exists()
