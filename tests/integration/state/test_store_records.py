"""Conformance: records, serials, lineage, history — the same behaviour on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest

from provisioner.errors import StateError
from provisioner.state import Store, open_store
from provisioner.state.schema import LATEST
from tests.integration.state.helpers import SECRET, TOKEN, connection, raw_sql


def test_a_new_workspace_is_empty_with_a_lineage(store: Store) -> None:
    snap = store.snapshot()
    assert snap.workspace == "default"
    assert snap.serial == 0
    assert len(snap.lineage) == 36
    assert dict(snap.records) == {}


def test_put_then_snapshot_round_trips_the_record(store: Store) -> None:
    write = connection("shop")
    serial = store.put(write, action="create", actor="alice")
    snap = store.snapshot()
    assert serial == snap.serial == 1
    record = snap.records["connection.shop"]
    assert (record.kind, record.name, record.serial) == ("Connection", "shop", 1)
    assert record.spec == write.spec
    assert record.sops_digests == write.sops_digests
    assert record.last_test == write.last_test
    assert record.applied_by == "tester"
    assert record.git_commit == write.git_commit
    assert record.applied_at.tzinfo is not None
    assert record.fingerprints == {p: store.fingerprint("connection.shop", p, v) for p, v in write.secrets.items()}
    assert store.unseal("connection.shop") == dict(write.secrets)


def test_every_write_moves_the_serial_and_keeps_the_lineage(store: Store) -> None:
    lineage = store.snapshot().lineage
    assert store.put(connection("a"), action="create", actor="t") == 1
    assert store.put(connection("b"), action="create", actor="t") == 2
    assert store.put(connection("a", base="https://other.example.com/rest"), action="update", actor="t") == 3
    assert store.delete("connection.b", actor="t") == 4
    snap = store.snapshot()
    assert (snap.serial, snap.lineage) == (4, lineage)
    assert sorted(snap.records) == ["connection.a"]
    assert snap.records["connection.a"].spec["auth"]["baseUri"] == "https://other.example.com/rest"
    assert snap.records["connection.a"].serial == 3


def test_history_records_every_write_and_events(store: Store) -> None:
    store.put(connection("a"), action="create", actor="alice")
    store.append_history("test", "connection.a", actor="bob", outcome="failed", detail="unauthorized")
    store.delete("connection.a", actor="carol")
    entries = store.history()
    assert [(e.serial, e.action, e.address, e.actor, e.outcome) for e in entries] == [
        (1, "create", "connection.a", "alice", "ok"),
        (1, "test", "connection.a", "bob", "failed"),
        (2, "delete", "connection.a", "carol", "ok"),
    ]
    assert entries[1].detail == "unauthorized"
    assert [e.action for e in store.history(limit=2)] == ["test", "delete"]
    assert store.snapshot().serial == 2  # an event does not move the serial


def test_history_is_append_only_in_the_database(store: Store, state_url: str) -> None:
    store.put(connection("a"), action="create", actor="t")
    for sql in ("UPDATE history SET actor = 'mallory'", "DELETE FROM history"):
        with pytest.raises(Exception, match="append-only"):
            raw_sql(state_url, sql)
    assert [e.actor for e in store.history()] == ["t"]


def test_fingerprints_are_keyed_and_bound_to_address_and_path(store: Store, state_url: str) -> None:
    value = "same-value"
    here = store.fingerprint("connection.a", TOKEN, value)
    assert here == store.fingerprint("connection.a", TOKEN, value)
    assert here != store.fingerprint("connection.b", TOKEN, value)
    assert here != store.fingerprint("connection.a", SECRET, value)
    with open_store(state_url, workspace="other", key=os.urandom(32), create=True) as other:
        assert other.fingerprint("connection.a", TOKEN, value) != here


def test_workspaces_are_separate_with_their_own_keys(store: Store, state_url: str) -> None:
    store.put(connection("a"), action="create", actor="t")
    with open_store(state_url, workspace="staging", key=os.urandom(32), create=True) as other:
        other.put(connection("z"), action="create", actor="t")
        assert sorted(other.snapshot().records) == ["connection.z"]
        assert sorted(store.snapshot().records) == ["connection.a"]
        assert other.snapshot().lineage != store.snapshot().lineage


def test_missing_records_are_clear_errors(store: Store) -> None:
    with pytest.raises(StateError, match=r"no record connection\.nope"):
        store.delete("connection.nope", actor="t")
    with pytest.raises(StateError, match=r"no record connection\.nope"):
        store.unseal("connection.nope")
    assert store.snapshot().serial == 0


def test_reopening_keeps_everything(state_url: str, key: bytes) -> None:
    with open_store(state_url, workspace="default", key=key, create=True) as first:
        first.put(connection("a"), action="create", actor="t")
        lineage = first.snapshot().lineage
    with open_store(state_url, workspace="default", key=key) as again:
        snap = again.snapshot()
        assert (snap.lineage, snap.serial, sorted(snap.records)) == (lineage, 1, ["connection.a"])


def test_a_schema_newer_than_this_code_is_refused(store: Store, state_url: str, key: bytes) -> None:
    raw_sql(state_url, "INSERT INTO schema_version (version, applied_at) VALUES (?, 'later')", (LATEST + 1,))
    with pytest.raises(StateError, match=f"schema version {LATEST + 1}, newer") as caught:
        open_store(state_url, workspace="default", key=key)
    assert caught.value.hint and "upgrade provisioner" in caught.value.hint


def test_a_bad_workspace_name_is_refused(state_url: str, key: bytes) -> None:
    with pytest.raises(StateError, match="invalid workspace name"):
        open_store(state_url, workspace="Bad Name", key=key)
