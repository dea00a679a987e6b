"""Workspace leases: who holds the write lock, for what, until when; takeover of expired ones; heartbeat.

A lease is one row per workspace in ``leases``. It is taken in a write transaction, renewed by a
heartbeat thread (its own database connection) every third of its duration, and deleted on
release. A lease whose holder died stops being renewed and, once expired, can be taken over; one whose
holder is provably gone (``state.holder``: same boot, same pid namespace) at once.
"""

from __future__ import annotations

import getpass
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from provisioner.errors import LockError
from provisioner.state import holder
from provisioner.state.backend import Backend, Tx
from provisioner.state.records import LockInfo

POLL_SECONDS = 0.2
_COLUMNS = "lock_id, workspace, operation, holder, created_at, expires_at, identity"


def holder_description() -> str:
    """``user@host pid=N``, plus the CI run URL when the environment gives one."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid{os.getuid()}"
    text = f"{user}@{socket.gethostname()} pid={os.getpid()}"
    env = os.environ
    if env.get("GITHUB_RUN_ID") and env.get("GITHUB_REPOSITORY"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        text += f" run={server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    elif env.get("CI_JOB_URL"):
        text += f" run={env['CI_JOB_URL']}"
    return text


def _info(row: tuple[object, ...]) -> LockInfo:
    return LockInfo(lock_id=str(row[0]), workspace=str(row[1]), operation=str(row[2]), holder=str(row[3]),
                    created_at=datetime.fromisoformat(str(row[4])), expires_at=datetime.fromisoformat(str(row[5])),
                    identity=holder.from_column(row[6]))


def current(tx: Tx, workspace: str) -> LockInfo | None:
    row = tx.one(f"SELECT {_COLUMNS} FROM leases WHERE workspace = ?", (workspace,))  # noqa: S608 - constant
    return _info(row) if row else None


def busy_error(lease: LockInfo) -> LockError:
    since = lease.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return LockError(
        f"workspace {lease.workspace} is locked by {lease.holder} for '{lease.operation}' since {since} "
        f"(lock {lease.lock_id})",
        hint=f"wait for it to finish (raise --lock-timeout), or if that run is gone: "
             f"provisioner state unlock {lease.lock_id}",
    )


def check_writer(tx: Tx, workspace: str, held: str | None) -> None:
    """Refuse a write while another live lease exists, or when this store's own lease was lost."""
    lease = current(tx, workspace)
    if held is not None and (lease is None or lease.lock_id != held):
        raise LockError(f"the lease {held} on workspace {workspace} was released or taken over by someone else",
                        hint="nothing more is written by this run; check `provisioner state history`")
    if lease is not None and lease.lock_id != held and lease.expires_at > tx.now():
        raise busy_error(lease)


def holder_is_dead(lease: LockInfo) -> bool:
    """True when the holder provably ran on this machine's boot, in this pid namespace, and is gone
    (``state.holder``); a holder elsewhere, or one that recorded no identity, is trusted until expiry."""
    return holder.is_dead(lease.identity)


def try_take(tx: Tx, workspace: str, *, log: Callable[[str, str], None], operation: str, holder_text: str,
             seconds: float, lock_id: str | None = None) -> tuple[LockInfo, bool]:
    """Take the lease (as ``lock_id``, a fresh one by default) if free, expired or held by a dead
    process (``(ours, True)``); otherwise ``(the live lease that blocks, False)``. A takeover is
    recorded through ``log(action, detail)`` (the caller's chained history)."""
    now = tx.now().astimezone(UTC)
    lease = current(tx, workspace)
    dead = lease is not None and holder_is_dead(lease)
    if lease is not None and lease.expires_at > now and not dead:
        return lease, False
    if lease is not None:
        why = "lock of a process that is gone" if dead else "expired lock"
        tx.execute("DELETE FROM leases WHERE workspace = ? AND lock_id = ?", (workspace, lease.lock_id))
        log("lock-takeover", f"{why} {lease.lock_id} of {lease.holder} for '{lease.operation}'")
    me = holder.identity()
    taken = LockInfo(lock_id=lock_id or str(uuid.uuid4()), workspace=workspace, operation=operation,
                     holder=holder_text, created_at=now, expires_at=now + timedelta(seconds=seconds), identity=me)
    tx.execute(f"INSERT INTO leases ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant
               (taken.lock_id, workspace, operation, holder_text, now.isoformat(), taken.expires_at.isoformat(),
                holder.to_column(me)))
    return taken, True


def acquire(take: Callable[[], tuple[LockInfo, bool]], timeout: float) -> LockInfo:
    """Call ``take`` until it takes the lease or ``timeout`` seconds have passed (then LockError naming the holder)."""
    deadline = time.monotonic() + max(timeout, 0.0)
    while True:
        lease, taken = take()
        if taken:
            return lease
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise busy_error(lease)
        time.sleep(min(POLL_SECONDS, remaining))


class Heartbeat(threading.Thread):
    """Renews a lease every ``seconds / 3`` on its own connection until stopped or the lease is gone."""

    def __init__(self, backend: Backend, workspace: str, lock_id: str, seconds: float) -> None:
        super().__init__(name=f"provisioner-lease-{lock_id[:8]}", daemon=True)
        self._backend, self._workspace, self._lock_id, self._seconds = backend, workspace, lock_id, seconds
        self._stop_event = threading.Event()
        self.lost = False

    def run(self) -> None:
        try:
            while not self._stop_event.wait(self._seconds / 3):
                try:
                    with self._backend.write() as tx:
                        expires = tx.now().astimezone(UTC) + timedelta(seconds=self._seconds)
                        changed = tx.execute("UPDATE leases SET expires_at = ? WHERE workspace = ? AND lock_id = ?",
                                             (expires.isoformat(), self._workspace, self._lock_id))
                except Exception:  # noqa: S112 - a missed beat is retried; the lease has slack
                    continue
                if changed == 0:
                    self.lost = True
                    return
        finally:
            self._backend.close()

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout=10)
        else:  # never started (a signal interrupted start()) or already done: closing twice is harmless
            self._backend.close()
