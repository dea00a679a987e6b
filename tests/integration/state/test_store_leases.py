"""Conformance: leases — a second writer waits then fails naming the holder; expiry; takeover; unlock."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from typing import Any

import pytest

from provisioner.errors import LockError, StateError
from provisioner.state import Store, open_store
from provisioner.state.leases import holder_description
from tests.integration.state.helpers import connection
from tests.integration.state.workers import hold_lease


def test_a_second_writer_waits_then_fails_naming_the_holder(store: Store, state_url: str, key: bytes) -> None:
    with open_store(state_url, workspace="default", key=key) as other:
        with store.lock("apply", timeout=1) as held:
            assert [lock.lock_id for lock in other.locks()] == [held.lock_id]
            assert held.holder == holder_description() and f"pid={os.getpid()}" in held.holder
            started = time.monotonic()
            with pytest.raises(LockError) as caught, other.lock("apply", timeout=0.8):
                pass
            assert time.monotonic() - started >= 0.8
            message = str(caught.value)
            assert held.holder in message and "'apply'" in message and held.lock_id in message and "since" in message
            assert caught.value.hint and f"state unlock {held.lock_id}" in caught.value.hint
            with pytest.raises(LockError, match="is locked by"):  # a plain write is refused too, at once
                other.put(connection("x"), action="create", actor="other")
            assert store.put(connection("mine"), action="create", actor="holder") == 1  # the holder writes
        with other.lock("apply", timeout=0) as mine:  # released on exit: free at once
            assert mine.lock_id != held.lock_id
        assert other.locks() == []


def _spawn_holder(state_url: str, key: bytes, lease_seconds: float,
                  host: str | None = None) -> tuple[multiprocessing.process.BaseProcess, str]:
    """A child process holding the workspace lease (heartbeat running); returns it and its lock id."""
    ctx = multiprocessing.get_context("spawn")
    out: Any = ctx.Queue()
    child = ctx.Process(target=hold_lease, args=(state_url, key, lease_seconds, out, host))
    child.start()
    return child, out.get(timeout=60)


def _kill(child: multiprocessing.process.BaseProcess) -> None:
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=10)


def test_a_dead_holders_lease_expires_and_is_taken_over(store: Store, state_url: str, key: bytes) -> None:
    # A holder on another host: its death cannot be seen from here, so only expiry frees the lease.
    child, dead_lock = _spawn_holder(state_url, key, 1.0, host="another-host")
    try:
        with pytest.raises(LockError), store.lock("apply", timeout=1.6):  # heartbeat keeps a 1 s lease alive
            pass
    finally:
        _kill(child)
    with store.lock("apply", timeout=5) as taken:  # the 1 s lease, no longer renewed, expires within the wait
        assert taken.lock_id != dead_lock
    takeover = [e for e in store.history() if e.action == "lock-takeover"]
    assert len(takeover) == 1 and takeover[0].detail and dead_lock in takeover[0].detail
    assert "expired lock" in takeover[0].detail and "another-host" in takeover[0].detail


def test_unlock_releases_a_stuck_lease(store: Store, state_url: str, key: bytes) -> None:
    with open_store(state_url, workspace="default", key=key) as rescuer:
        with store.lock("apply", timeout=1) as stuck:
            rescuer.unlock(stuck.lock_id, actor="ops")
            assert rescuer.locks() == []
            with rescuer.lock("apply", timeout=0):
                pass
            with pytest.raises(LockError, match="released or taken over"):  # the old holder may not write on
                store.put(connection("late"), action="create", actor="old-holder")
        entry = rescuer.history()[-1]
        assert (entry.action, entry.actor) == ("unlock", "ops")
        assert entry.detail and stuck.lock_id in entry.detail and stuck.holder in entry.detail
        with pytest.raises(StateError, match="no lock"):
            rescuer.unlock(stuck.lock_id, actor="ops")


def test_a_killed_holder_on_this_host_is_taken_over_without_waiting_for_expiry(store: Store, state_url: str,
                                                                                key: bytes) -> None:
    child, dead_lock = _spawn_holder(state_url, key, 600.0)  # a 10-minute lease, held from this host
    try:
        with pytest.raises(LockError), store.lock("apply", timeout=0.3):  # alive: it blocks
            pass
    finally:
        _kill(child)
    with store.lock("apply", timeout=5) as taken:  # within 5 s, not after the lease's 10 minutes: no expiry wait
        assert taken.lock_id != dead_lock
    takeover = [e for e in store.history() if e.action == "lock-takeover"]
    assert takeover and "process that is gone" in (takeover[-1].detail or "")


def test_a_holder_on_another_host_is_trusted_until_expiry() -> None:
    from datetime import UTC, datetime, timedelta

    from provisioner.state.leases import holder_is_dead
    from provisioner.state.records import LockInfo

    now = datetime.now(UTC)
    elsewhere = LockInfo("id", "default", "apply", "ci@some-other-host pid=1", now, now + timedelta(minutes=1))
    assert not holder_is_dead(elsewhere)
    here_alive = LockInfo("id", "default", "apply", holder_description(), now, now + timedelta(minutes=1))
    assert not holder_is_dead(here_alive)
