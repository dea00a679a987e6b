"""A live lease held from another PID namespace (a container on the same host name) is never taken over.

The holder runs under ``unshare --pid --fork --mount-proc`` with a pid that does not exist out here, so
the old test (``os.kill(pid, 0)`` fails: "gone") would have declared it dead. Its recorded identity
(boot id, pid namespace inode, pid, start time) says "another namespace": only expiry frees it.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from provisioner.errors import LockError
from provisioner.state import Store, open_store
from provisioner.state.leases import holder_is_dead
from tests.support.pidns import free_pid, in_new_pid_namespace, unshare_refusal

ROOT = Path(__file__).resolve().parents[3]
HOLD = """
import base64, os, sys, time
from provisioner.state import open_store
key = base64.b64decode(sys.stdin.readline())
with open_store(os.environ["STATE_URL"], workspace="default", key=key, lease_seconds=600) as store, \\
        store.lock("apply", timeout=10) as info:
    print(os.getpid(), info.lock_id, flush=True)
    time.sleep(600)
"""


def hold_in_other_namespace(state_url: str, key: bytes) -> tuple[subprocess.Popen[str], int, str]:
    pid = free_pid()
    env = {**os.environ, "STATE_URL": state_url, "PYTHONPATH": str(ROOT)}
    child = in_new_pid_namespace([sys.executable, "-c", HOLD], pid=pid, env=env, stdin=subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(base64.b64encode(key).decode() + "\n")
    child.stdin.flush()
    line = child.stdout.readline()
    assert line, child.stderr.read() if child.stderr else "no output"
    inner_pid, lock_id = line.split()
    assert int(inner_pid) == pid  # its pid in its own namespace
    return child, pid, lock_id


def stop(child: subprocess.Popen[str]) -> None:
    os.killpg(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)


@pytest.fixture
def refusal() -> None:
    reason = unshare_refusal()
    if reason:
        pytest.skip(reason)


@pytest.mark.usefixtures("refusal")
def test_a_live_holder_in_another_pid_namespace_is_never_taken_over(store: Store, state_url: str,
                                                                    key: bytes) -> None:
    child, pid, lock_id = hold_in_other_namespace(state_url, key)
    try:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # out here that pid is "gone": the old test would have taken the lease over
        (lease,) = store.locks()
        assert lease.lock_id == lock_id and f"pid={pid}" in lease.holder
        assert lease.identity is not None and lease.identity["pid"] == pid
        assert lease.identity["pid_ns"] != os.stat("/proc/self/ns/pid").st_ino
        assert not holder_is_dead(lease)
        with pytest.raises(LockError, match=rf"workspace default is locked by \S+ pid={pid} for 'apply'.*"
                                            rf"\(lock {lock_id}\)"), store.lock("apply", timeout=1.0):
            pass
        with open_store(state_url, workspace="default", key=key) as other, pytest.raises(LockError), \
                other.lock("apply", timeout=0.5):
            pass
        assert [e for e in store.history() if e.action == "lock-takeover"] == []
    finally:
        stop(child)


def test_a_holder_is_dead_only_when_its_pid_and_start_time_are_gone_from_this_namespace() -> None:
    from datetime import UTC, datetime, timedelta

    from provisioner.state import holder
    from provisioner.state.records import LockInfo

    me = holder.identity()
    assert me is not None
    parent = os.getppid()  # alive, in this namespace
    alive = {**me, "pid": parent, "start_time": holder.start_time(parent)}
    now = datetime.now(UTC)

    def lease(identity: dict[str, object] | None) -> LockInfo:
        return LockInfo("id", "default", "apply", "x@h pid=1", now, now + timedelta(minutes=1), identity)

    assert not holder_is_dead(lease(alive))
    assert holder_is_dead(lease({**alive, "start_time": int(alive["start_time"]) + 1}))  # pid reused since
    assert holder_is_dead(lease({**alive, "pid": free_pid()}))
    assert not holder_is_dead(lease({**alive, "pid": free_pid(), "pid_ns": 1}))  # another namespace
    assert not holder_is_dead(lease({**alive, "pid": free_pid(), "boot_id": "another-boot"}))
    assert not holder_is_dead(lease({**alive, "pid": free_pid(), "host": "another-host"}))
    assert not holder_is_dead(lease(None))  # recorded no identity (0.1): only expiry
