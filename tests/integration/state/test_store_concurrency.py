"""Conformance: eight processes writing to one workspace at once — no lost update, every write in history."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest

from provisioner.state import open_store
from tests.integration.state.workers import write_many

PROCESSES = 8
WRITES_EACH = 10  # x2: one own record and one shared record per round

pytestmark = pytest.mark.slow


def test_eight_processes_writing_at_once(state_url: str, key: bytes) -> None:
    """They also race to create the schema and the workspace: the state is brand new."""
    ctx = multiprocessing.get_context("spawn")
    out: Any = ctx.Queue()
    workers = [ctx.Process(target=write_many, args=(state_url, key, w, WRITES_EACH, out)) for w in range(PROCESSES)]
    for p in workers:
        p.start()
    results = dict(out.get(timeout=120) for _ in workers)
    for p in workers:
        p.join(timeout=30)
        assert p.exitcode == 0

    total = PROCESSES * WRITES_EACH * 2
    all_serials = sorted(serial for writes in results.values() for _, serial, _ in writes)
    assert all_serials == list(range(1, total + 1)), "every write got its own serial, none lost"
    for writes in results.values():
        serials = [serial for _, serial, _ in writes]
        assert serials == sorted(serials) and len(set(serials)) == len(serials), "strictly increasing per writer"

    with open_store(state_url, workspace="default", key=key) as store:
        snap = store.snapshot()
        assert snap.serial == total
        own = {addr for writes in results.values() for addr, _, _ in writes if addr != "connection.shared"}
        assert own | {"connection.shared"} == set(snap.records)

        # The shared record holds the last write by serial: nothing overwrote it afterwards.
        last_addr, last_serial, last_value = max(
            (w for writes in results.values() for w in writes if w[0] == "connection.shared"), key=lambda w: w[1])
        assert snap.records[last_addr].serial == last_serial
        assert store.unseal(last_addr) == {"spec.auth.accessToken": last_value}

        history = store.history()
        assert sorted((e.serial, e.address) for e in history) == sorted(
            (serial, addr) for writes in results.values() for addr, serial, _ in writes)
