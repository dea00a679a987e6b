"""Conformance: a group commit (``Store.put_many``) is the same as one put after another, in one transaction;
a group read (``Store.unseal_many``) is the same as one unseal after another, from one read of the workspace.

The executor commits what is ready in groups (issue 16: a transaction a connection rewrote the
workspace chain once a record, so an apply of N cost N²). A group must leave exactly what the
same puts one by one would: a serial and a history row per record, the failures' history rows,
a chain that verifies; a tampered record in a group is refused alone; a workspace-level failure
writes nothing at all.
"""

from __future__ import annotations

import pytest

from provisioner.errors import StateError
from provisioner.state import Store
from provisioner.state.records import Note, Put
from tests.integration.state.helpers import TOKEN, connection, raw_sql
from tests.integration.state.tamper import copy_row, restore_row


def test_a_group_gives_each_record_its_own_serial_and_history_row(store: Store) -> None:
    store.put(connection("a"), action="create", actor="t")
    c = connection("c")
    results = store.put_many([Put("create", connection("b")), Put("update", connection("a", base="https://x.example/rest")),
                              Put("create", c)], actor="alice",
                             notes=[Note("test", "connection.d", "failed", "unauthorized")])
    assert results == [2, 3, 4]
    snap = store.snapshot()  # verifies every record against the chain, and the history chain
    assert snap.serial == 4 and not snap.tampered
    assert {a: r.serial for a, r in snap.records.items()} == {"connection.a": 3, "connection.b": 2, "connection.c": 4}
    assert snap.records["connection.a"].spec["auth"]["baseUri"] == "https://x.example/rest"
    assert [(e.serial, e.action, e.address, e.actor, e.outcome, e.detail) for e in store.history()] == [
        (1, "create", "connection.a", "t", "ok", None),
        (2, "create", "connection.b", "alice", "ok", None),
        (3, "update", "connection.a", "alice", "ok", None),
        (4, "create", "connection.c", "alice", "ok", None),
        (4, "test", "connection.d", "alice", "failed", "unauthorized"),
    ]
    assert store.unseal("connection.c") == dict(c.secrets)


def test_a_tampered_record_in_a_group_is_refused_alone(store: Store, state_url: str) -> None:
    store.put(connection("a", secrets_={TOKEN: "old-token"}), action="create", actor="t")
    old = copy_row(state_url, "connection.a")
    store.put(connection("a", secrets_={TOKEN: "new-token"}), action="update", actor="t")
    restore_row(state_url, "connection.a", old)  # rolled back: only the chain can tell

    results = store.put_many([Put("create", connection("b")), Put("update", connection("a")),
                              Put("create", connection("c"))], actor="t")
    assert results[0] == 3 and results[2] == 4
    assert isinstance(results[1], StateError) and "refused until it is quarantined or removed" in results[1].message
    snap = store.snapshot()
    assert sorted(snap.records) == ["connection.b", "connection.c"] and list(snap.tampered) == ["connection.a"]


def test_a_group_refused_by_the_workspace_writes_nothing(store: Store, state_url: str) -> None:
    store.put(connection("a"), action="create", actor="t")
    raw_sql(state_url, "UPDATE workspaces SET serial = 0 WHERE name = 'default'")  # a lowered serial
    with pytest.raises(StateError, match="serial was lowered") as caught:
        store.put_many([Put("create", connection("b")), Put("create", connection("c"))], actor="t",
                       notes=[Note("test", "connection.d", "failed", "x")])
    assert caught.value.code == "state-tampered"
    raw_sql(state_url, "UPDATE workspaces SET serial = 1 WHERE name = 'default'")
    snap = store.snapshot()
    assert (snap.serial, sorted(snap.records)) == (1, ["connection.a"])
    assert [e.address for e in store.history()] == ["connection.a"]


def test_an_empty_group_writes_nothing(store: Store) -> None:
    assert store.put_many([], actor="t") == []
    assert store.snapshot().serial == 0 and store.history() == []


def test_a_group_read_opens_what_unseal_opens_and_refuses_what_it_refuses(store: Store, state_url: str) -> None:
    a, b = connection("a", secrets_={TOKEN: "old-token"}), connection("b")
    store.put(a, action="create", actor="t")
    store.put(b, action="create", actor="t")
    old = copy_row(state_url, "connection.a")
    store.put(connection("a", secrets_={TOKEN: "new-token"}), action="update", actor="t")
    restore_row(state_url, "connection.a", old)  # rolled back

    opened = store.unseal_many(["connection.b", "connection.a", "connection.gone"])
    assert opened["connection.b"] == store.unseal("connection.b") == dict(b.secrets)
    tampered, missing = opened["connection.a"], opened["connection.gone"]
    assert isinstance(tampered, StateError) and tampered.code == "state-tampered" and "older" in tampered.message
    assert "old-token" not in tampered.message and "new-token" not in tampered.message
    assert isinstance(missing, StateError) and "no record connection.gone" in missing.message
    assert store.unseal_many([]) == {}
