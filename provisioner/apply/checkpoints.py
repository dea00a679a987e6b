"""Named points of an apply (or ``state rekey``) run, where a crash test can halt the process to kill it.

A test hook, off unless ``PROVISIONER_TEST_HALT_AT`` is set. With
``PROVISIONER_TEST_HALT_AT=after-commit:3`` the run halts the third time it reaches
``after-commit``: it writes one line, ``halted after-commit:3``, to the file descriptor named by
``PROVISIONER_TEST_HALT_FD`` (a pipe the test reads) and waits there until it is killed, a signal
handler raises, ``resume`` is set (as the Ctrl-C handler sets the run's stop event), or — when
``PROVISIONER_TEST_RESUME_FD`` names a pipe — the test writes a line to that pipe. So a test
chooses its kill point (or the moment another run starts) from the run's progress, never from
elapsed time.

The points, in the order one run reaches them (all on the thread that commits):

- ``opened``: the state is open, the lease not yet taken
- ``locked``: the lease is taken; nothing planned yet
- ``started``: planned, decrypted, the target prepared; no item applied yet
- ``before-commit`` / ``after-commit``: an item passed its tests and the target's put (before), and
  was committed to the state (after); once per create or update
- ``before-delete`` / ``after-delete``: the target deleted it (before), the state record went (after)
- ``finished``: every item done; the lease is still held
- ``released``: the lease is released; the report is not yet printed

``state rekey`` (commands/state_admin.py, state/sql_store.py) reaches ``opened``, ``locked``, then, inside
its one transaction, ``rekey-verified`` (every record and the history verified under the old key),
``rekey-resealed`` once per record, ``rekey-written`` (all written, not committed); then
``rekey-committed`` (the new key rules; the lease is still held) and ``released``.
"""

from __future__ import annotations

import os
import select
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

ENV_HALT_AT = "PROVISIONER_TEST_HALT_AT"
ENV_HALT_FD = "PROVISIONER_TEST_HALT_FD"
ENV_RESUME_FD = "PROVISIONER_TEST_RESUME_FD"
POINTS = ("opened", "locked", "started", "before-commit", "after-commit", "before-delete", "after-delete",
          "finished", "released")
REKEY_POINTS = ("opened", "locked", "rekey-verified", "rekey-resealed", "rekey-written", "rekey-committed", "released")

_reached: Counter[str] = Counter()
_lock = threading.Lock()


def checkpoint(point: str, *, resume: threading.Event | None = None) -> None:
    """Mark ``point``; halts there only when the test hook asks for this point and occurrence."""
    halt_at = os.environ.get(ENV_HALT_AT)
    if not halt_at:
        return
    with _lock:
        _reached[point] += 1
        here = f"{point}:{_reached[point]}"
    if here != halt_at:
        return
    os.write(int(os.environ[ENV_HALT_FD]), f"halted {here}\n".encode())
    until = resume or threading.Event()
    resume_fd = int(os.environ[ENV_RESUME_FD]) if os.environ.get(ENV_RESUME_FD) else None
    while not until.wait(0.05):  # a signal handler runs (and may raise) between waits
        if resume_fd is not None and select.select([resume_fd], [], [], 0)[0]:
            os.read(resume_fd, 1)
            return


@contextmanager
def after(point: str) -> Iterator[None]:
    """``checkpoint(point)`` once the ``with`` block (and any context entered after this one) has exited normally."""
    yield
    checkpoint(point)
