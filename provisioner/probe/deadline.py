"""One deadline for a whole exchange: connect, TLS, request, status line, headers and body.

A socket timeout bounds each read, so a server that drips a byte a second never trips it.
``Deadline`` is entered around an exchange on the thread that runs it; the connections
urllib3 opens (or reuses) for that thread register their socket with it, and a watchdog
shuts those sockets down when the time is up, which ends any blocked read at once (one watchdog
thread serves every deadline of the process). The watchdog holds its own duplicate of each file
descriptor (closed when the exchange ends), so it can never shut down a descriptor number that was
reused meanwhile.
"""

from __future__ import annotations

import contextlib
import heapq
import socket
import threading
import time
from types import TracebackType
from typing import Any

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection

_current = threading.local()


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._watched: list[socket.socket] = []
        self._finished = False
        self.fired = False

    def remaining(self) -> float:
        """Seconds left (at least a millisecond, so it can be a socket timeout)."""
        return max(0.001, self._at - time.monotonic())

    @property
    def expired(self) -> bool:
        return self.fired or time.monotonic() >= self._at

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down at the deadline (at once if it has passed)."""
        try:
            duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
        except (OSError, ValueError):
            return
        with self._lock:
            if self._finished:
                duplicate.close()
                return
            self._watched.append(duplicate)
            if self.fired:
                _shutdown(duplicate)

    def _fire(self) -> None:
        with self._lock:
            if self._finished:
                return
            self.fired = True
            for sock in self._watched:
                _shutdown(sock)

    def __enter__(self) -> Deadline:
        _current.deadline = self
        _WATCHDOG.add(self)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        _current.deadline = None
        with self._lock:
            self._finished = True
            watched, self._watched = self._watched, []
        for sock in watched:
            sock.close()


class _Watchdog:
    """One thread for every deadline of the process (a timer thread per exchange cost more than the test)."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Deadline]] = []
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._count = 0

    def add(self, deadline: Deadline) -> None:
        with self._wake:
            self._count += 1
            heapq.heappush(self._due, (deadline._at, self._count, deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="probe-deadlines", daemon=True)
                self._thread.start()
            if self._due[0][2] is deadline:  # it sleeps until the earliest deadline: wake it only for a new earliest
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._due and self._due[0][2]._finished:
                    heapq.heappop(self._due)
                now = time.monotonic()
                if not self._due or self._due[0][0] > now:
                    self._wake.wait(None if not self._due else self._due[0][0] - now)
                    continue
                _, _, due = heapq.heappop(self._due)
            due._fire()


_WATCHDOG = _Watchdog()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)


def _watch_current(sock: socket.socket | None) -> None:
    deadline: Deadline | None = getattr(_current, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.watch(sock)


class WatchedHTTPConnection(HTTPConnection):
    """urllib3's connection, with its socket put under the current thread's ``Deadline``."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch_current(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:  # a reused keep-alive connection
        _watch_current(self.sock)
        super().request(*args, **kwargs)


class WatchedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch_current(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch_current(self.sock)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


def watch_pools(manager: PoolManager) -> PoolManager:
    """Make ``manager`` (a pool or proxy manager) open connections that honour a ``Deadline``."""
    manager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
    return manager
