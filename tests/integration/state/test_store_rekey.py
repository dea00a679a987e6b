"""Conformance: rekey re-seals everything atomically; a rekey killed half way leaves the old key or the new."""

from __future__ import annotations

import multiprocessing
import os
import signal
from typing import Any

import pytest

from provisioner.errors import StateError
from provisioner.state import Store, open_store
from tests.integration.state.helpers import connection
from tests.integration.state.workers import rekey_halted

RECORDS = 12


def _fill(store: Store) -> dict[str, dict[str, str]]:
    for i in range(RECORDS):
        store.put(connection(f"c{i:02}"), action="create", actor="t")
    return {addr: store.unseal(addr) for addr in store.snapshot().records}


def test_rekey_reseals_every_secret_under_the_new_key(store: Store, state_url: str, key: bytes) -> None:
    secrets = _fill(store)
    before = store.snapshot()
    new_key = os.urandom(32)
    store.rekey(new_key, actor="ops")
    with pytest.raises(StateError, match="wrong state key"):
        open_store(state_url, workspace="default", key=key)
    with open_store(state_url, workspace="default", key=new_key) as reopened:
        after = reopened.snapshot()
        assert (after.lineage, after.serial) == (before.lineage, before.serial + 1)
        assert {a: reopened.unseal(a) for a in after.records} == secrets
        for addr, record in after.records.items():
            assert record.fingerprints != before.records[addr].fingerprints  # keyed by the new key
            assert record.spec == before.records[addr].spec
        assert reopened.history()[-1].action == "rekey"


def _opens_with(url: str, key: bytes) -> dict[str, dict[str, str]] | None:
    try:
        store = open_store(url, workspace="default", key=key)
    except StateError as exc:
        assert exc.code == "state-wrong-key"
        return None
    with store:
        return {addr: store.unseal(addr) for addr in store.snapshot().records}


@pytest.mark.slow
def test_a_rekey_killed_half_way_leaves_the_old_key_or_the_new(store: Store, state_url: str, key: bytes) -> None:
    secrets = _fill(store)
    new_key = os.urandom(32)
    ctx = multiprocessing.get_context("spawn")
    out: Any = ctx.Queue()
    half_way = f"rekey-resealed:{RECORDS // 2}"  # half of the records re-sealed, inside the open transaction
    child = ctx.Process(target=rekey_halted, args=(state_url, key, new_key, half_way, out))
    child.start()
    assert out.get(timeout=60) == f"halted {half_way}"
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=10)
    assert child.exitcode == -signal.SIGKILL, "the rekey finished before it was killed"

    with_old, with_new = _opens_with(state_url, key), _opens_with(state_url, new_key)
    assert (with_old is None) != (with_new is None), "exactly one key opens the state"
    assert (with_old or with_new) == secrets  # every record verifies and unseals
    assert with_old is not None  # killed before commit: the old key still rules
