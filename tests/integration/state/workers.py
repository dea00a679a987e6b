"""Child-process bodies for the concurrency, lease and rekey tests (run with the ``spawn`` start method).

Keys travel to children through multiprocessing's pipe, never through argv.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from multiprocessing.queues import Queue
from typing import Any

from provisioner.apply.checkpoints import ENV_HALT_AT, ENV_HALT_FD, checkpoint
from provisioner.state import open_store
from tests.integration.state.helpers import TOKEN, connection


def write_many(url: str, key: bytes, worker: int, count: int, out: Queue[Any]) -> None:
    """Alternate writes of this worker's own records and of one record every worker shares."""
    results: list[tuple[str, int, str]] = []
    with open_store(url, workspace="default", key=key, create=True) as store:
        for i in range(count):
            own = connection(f"w{worker}-{i}", applied_by=f"worker-{worker}")
            results.append((own.address, store.put(own, action="create", actor=f"worker-{worker}"), ""))
            value = f"shared-{worker}-{i}"
            shared = connection("shared", secrets_={TOKEN: value}, applied_by=f"worker-{worker}")
            results.append((shared.address, store.put(shared, action="update", actor=f"worker-{worker}"), value))
    out.put((worker, results))


def hold_lease(url: str, key: bytes, lease_seconds: float, out: Queue[Any], host: str | None = None) -> None:
    """Take the lease and keep it (heartbeat running) until killed; ``host`` poses as a holder on another host."""
    if host is not None:
        socket.gethostname = lambda: host  # this child process only: its holder string names ``host``
    with open_store(url, workspace="default", key=key, lease_seconds=lease_seconds) as store, \
            store.lock("apply", timeout=10) as info:
        out.put(info.lock_id)
        time.sleep(600)


def rekey_halted(url: str, key: bytes, new_key: bytes, point: str, out: Queue[Any]) -> None:
    """Rekey halted at the checkpoint ``point`` (provisioner/apply/checkpoints.py), inside its transaction,
    until the parent kills this process; the halt is announced on ``out``."""
    read_end, write_end = os.pipe()
    os.environ.update({ENV_HALT_AT: point, ENV_HALT_FD: str(write_end)})
    threading.Thread(target=lambda: out.put(os.fdopen(read_end, "rb").readline().decode().strip()),
                     daemon=True).start()
    with open_store(url, workspace="default", key=key) as store:
        store.rekey(new_key, actor="killed-rekey", progress=checkpoint)
        out.put("done")
