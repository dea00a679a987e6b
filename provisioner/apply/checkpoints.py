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
- ``before-commit`` / ``after-commit``: items passed their tests and the target's put (before), and
  were committed to the state (after); once per create or update, but a group commit (one transaction
  for every item ready at once, apply/executor.py) passes each point once per item of its batch at the
  same moment, so ``before-commit:K`` halts before the transaction that commits the K-th item and
  ``after-commit:K`` after it; the halting line ends ``committed=N started=M`` (items committed so far,
  connection tests started so far)
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


def checkpoint(point: str, *, resume: threading.Event | None = None, times: int = 1, note: str = "") -> None:
    """Mark ``point`` (``times`` times at once: a group commit passes ``before-commit`` once per record of its
    batch); halts there only when the test hook asks for this point and one of these occurrences. ``note``
    follows the point on the halting line (``halted after-commit:5 committed=6 started=9``)."""
    halt_at = os.environ.get(ENV_HALT_AT)
    if not halt_at or times < 1:
        return
    with _lock:
        first = _reached[point] + 1
        _reached[point] += times
        here = next((h for k in range(first, first + times) if (h := f"{point}:{k}") == halt_at), None)
    if here is None:
        return
    os.write(int(os.environ[ENV_HALT_FD]), f"halted {here}{' ' + note if note else ''}\n".encode())
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
