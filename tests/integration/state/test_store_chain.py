"""Conformance: the workspace chain and the history chain catch what record MACs cannot.

A row rolled back to an older copy (with its old, valid MAC), a deleted row, a row moved to
another workspace, a lowered serial, an edited or deleted history row, a dropped trigger, a chain
set back to NULL: each reads as tampered, naming what. One tampered record does not block the
others; writes to it are refused until it is quarantined or removed.
"""

from __future__ import annotations

import os

import pytest

from provisioner.errors import StateError
from provisioner.state import Store, open_store
from tests.integration.state.helpers import TOKEN, connection, raw_sql
from tests.integration.state.legacy import ADDRESSES, load_0_1_state
from tests.integration.state.tamper import ROW_COLUMNS, copy_row, drop_triggers, restore_row, restore_triggers


def test_a_row_rolled_back_to_an_older_copy_is_tampered_and_the_rest_keeps_working(store: Store,
                                                                                   state_url: str) -> None:
    store.put(connection("a", secrets_={TOKEN: "old-token"}), action="create", actor="t")
    store.put(connection("b"), action="create", actor="t")
    old = copy_row(state_url, "connection.a")
    store.put(connection("a", secrets_={TOKEN: "new-token"}), action="update", actor="t")
    restore_row(state_url, "connection.a", old)  # its old MAC is valid: only the chain can tell

    snap = store.snapshot()
    assert "connection.a" not in snap.records and "connection.b" in snap.records
    assert snap.tampered["connection.a"].startswith("older: the row is from serial 1, the chain records serial 3")
    with pytest.raises(StateError, match=r"record connection\.a in workspace default failed its integrity check: "
                                         r"older") as caught:
        store.unseal("connection.a")
    assert caught.value.code == "state-tampered"
    assert store.unseal("connection.b")
    with pytest.raises(StateError, match="refused until it is quarantined or removed"):
        store.put(connection("a"), action="update", actor="t")
    store.put(connection("c"), action="create", actor="t")  # the others still take writes

    store.set_aside("connection.a", actor="ops", keep=True)  # quarantine: kept aside for inspection
    assert raw_sql(state_url, "SELECT address, reason FROM quarantine")[0][0] == "connection.a"
    after = store.snapshot()
    assert not after.tampered and sorted(after.records) == ["connection.b", "connection.c"]
    entry = store.history()[-1]
    assert (entry.action, entry.address, entry.actor) == ("quarantine", "connection.a", "ops")
    assert entry.detail and "older" in entry.detail
    store.put(connection("a"), action="create", actor="t")  # and it can be applied afresh
    assert "connection.a" in store.snapshot().records


def test_a_deleted_row_is_reported_missing_until_removed(store: Store, state_url: str) -> None:
    store.put(connection("a"), action="create", actor="t")
    store.put(connection("b"), action="create", actor="t")
    raw_sql(state_url, "DELETE FROM records WHERE address = ?", ("connection.a",))
    snap = store.snapshot()
    assert snap.tampered == {"connection.a": "missing: the chain records it at serial 1"}
    assert list(snap.records) == ["connection.b"]
    with pytest.raises(StateError, match=r"connection\.a .*missing"):
        store.put(connection("a"), action="create", actor="t")
    with pytest.raises(StateError, match="no row to quarantine"):
        store.set_aside("connection.a", actor="ops", keep=True)
    store.set_aside("connection.a", actor="ops", keep=False)
    assert not store.snapshot().tampered
    assert [e.action for e in store.history()][-1] == "rm"


def test_a_row_moved_to_another_workspace_is_missing_here_and_extra_there(store: Store, state_url: str,
                                                                          key: bytes) -> None:
    store.put(connection("a"), action="create", actor="t")
    with open_store(state_url, workspace="other", key=key, create=True) as other:
        other.put(connection("z"), action="create", actor="t")
        raw_sql(state_url, "UPDATE records SET workspace = 'other' WHERE workspace = 'default' AND address = ?",
                ("connection.a",))
        assert other.snapshot().tampered["connection.a"].startswith("its record MAC does not match")
        assert "connection.z" in other.snapshot().records
    assert store.snapshot().tampered["connection.a"].startswith("missing")


def test_a_removed_record_put_back_from_a_backup_is_extra(store: Store, state_url: str) -> None:
    store.put(connection("a"), action="create", actor="t")
    store.put(connection("b"), action="create", actor="t")
    backup = copy_row(state_url, "connection.b")
    store.delete("connection.b", actor="t")
    cols = ", ".join(ROW_COLUMNS)
    raw_sql(state_url, f"INSERT INTO records (workspace, address, {cols}) "
                       f"VALUES ('default', 'connection.b', {', '.join('?' for _ in ROW_COLUMNS)})", backup)
    snap = store.snapshot()
    assert snap.tampered["connection.b"].startswith("extra: the workspace's chain has no such record")
    assert list(snap.records) == ["connection.a"]


def test_a_lowered_serial_refuses_the_workspace(store: Store, state_url: str) -> None:
    store.put(connection("a"), action="create", actor="t")
    store.put(connection("a"), action="update", actor="t")
    raw_sql(state_url, "UPDATE workspaces SET serial = serial - 1")
    for action in (store.snapshot, store.history, lambda: store.put(connection("b"), action="create", actor="t")):
        with pytest.raises(StateError, match=r"workspace default failed its integrity check: its serial was "
                                             r"lowered to 1; the chain records 2") as caught:
            action()
        assert caught.value.code == "state-tampered"


def test_an_edited_chain_or_a_chain_set_back_to_null_is_refused(store: Store, state_url: str, key: bytes) -> None:
    store.put(connection("a"), action="create", actor="t")
    chain, mac = raw_sql(state_url, "SELECT chain, chain_mac FROM workspaces")[0]
    raw_sql(state_url, "UPDATE workspaces SET chain = ?", (chain.replace('"records":[[', '"records":[["x",1,"y"],['),))
    with pytest.raises(StateError, match="its integrity chain was changed outside provisioner"):
        store.snapshot()
    raw_sql(state_url, "UPDATE workspaces SET chain = NULL, chain_mac = NULL")  # "re-establish it over my rows"
    with pytest.raises(StateError, match="its integrity chain was removed"):
        open_store(state_url, workspace="default", key=key)
    raw_sql(state_url, "UPDATE workspaces SET chain = ?, chain_mac = ?", (chain, mac))
    assert "connection.a" in store.snapshot().records


def test_an_edited_history_row_behind_a_dropped_trigger_is_detected(store: Store, state_url: str) -> None:
    store.put(connection("a"), action="create", actor="t")
    store.put(connection("a"), action="update", actor="t")
    drop_triggers(state_url)
    with pytest.raises(StateError, match=r"append-only trigger\(s\) .* were dropped or disabled") as caught:
        store.history()
    assert caught.value.code == "state-history-tampered"
    with pytest.raises(StateError, match="dropped"):
        store.snapshot()
    raw_sql(state_url, "UPDATE history SET actor = 'nobody' WHERE action = 'create'")
    restore_triggers(state_url)
    with pytest.raises(StateError, match=r"history of workspace default failed its integrity check: row \d+ "
                                         r"\(serial 1, create\) was edited"):
        store.history()
    with pytest.raises(StateError, match="history"):
        store.snapshot()


@pytest.mark.parametrize("which", ["first", "last"])
def test_a_deleted_history_row_is_detected(store: Store, state_url: str, which: str) -> None:
    for i in range(3):
        store.put(connection(f"c{i}"), action="create", actor="t")
    drop_triggers(state_url)
    order = "ASC" if which == "first" else "DESC"
    (row_id,) = raw_sql(state_url, f"SELECT id FROM history ORDER BY id {order} LIMIT 1")[0]
    raw_sql(state_url, "DELETE FROM history WHERE id = ?", (row_id,))
    restore_triggers(state_url)
    with pytest.raises(StateError, match="it has 2 rows, the workspace chain records 3"):
        store.history()
    with pytest.raises(StateError, match="history"):  # and a write does not launder it
        store.put(connection("d"), action="create", actor="t")


def test_a_0_1_state_gets_its_chain_on_the_first_keyed_open_and_then_catches_a_deletion(state_url: str) -> None:
    key = load_0_1_state(state_url)
    assert raw_sql(state_url, "SELECT COUNT(*) FROM history")[0][0] == 6
    with open_store(state_url, workspace="default", key=key) as store:
        assert sorted(store.snapshot().records) == ADDRESSES
        assert len(store.history()) == 6  # establishing the chain adds no history row
        raw_sql(state_url, "DELETE FROM records WHERE address = ?", ("connection.magento-prod",))
        assert store.snapshot().tampered["connection.magento-prod"].startswith("missing")
        drop_triggers(state_url)
        raw_sql(state_url, "UPDATE history SET actor = 'x' WHERE id = (SELECT MIN(id) FROM history)")
        restore_triggers(state_url)
        with pytest.raises(StateError, match="one of its first 6 rows"):
            store.history()


def test_history_stays_valid_across_a_rekey(store: Store, state_url: str, key: bytes) -> None:
    store.put(connection("a"), action="create", actor="t")
    new_key = os.urandom(32)
    store.rekey(new_key, actor="t")
    store.put(connection("b"), action="create", actor="t")
    with open_store(state_url, workspace="default", key=new_key) as reopened:
        assert [e.action for e in reopened.history()] == ["create", "rekey", "create"]
        assert not reopened.snapshot().tampered


def test_a_rekey_is_refused_while_a_record_is_tampered(store: Store, state_url: str, key: bytes) -> None:
    store.put(connection("a"), action="create", actor="t")
    store.put(connection("b"), action="create", actor="t")
    raw_sql(state_url, "DELETE FROM records WHERE address = ?", ("connection.b",))
    with pytest.raises(StateError, match=r"connection\.b .*missing.*before a rekey"):
        store.rekey(os.urandom(32), actor="t")
    store.remove("connection.b", actor="ops")
    new_key = os.urandom(32)
    store.rekey(new_key, actor="t")
    with open_store(state_url, workspace="default", key=new_key) as reopened:
        assert list(reopened.snapshot().records) == ["connection.a"]
        assert [e.action for e in reopened.history()] == ["create", "create", "rm", "rekey"]


def test_a_delete_of_a_tampered_record_is_refused(store: Store, state_url: str) -> None:
    store.put(connection("a"), action="create", actor="t")
    raw_sql(state_url, "UPDATE records SET applied_by = 'x' WHERE address = ?", ("connection.a",))
    with pytest.raises(StateError, match="refused until it is quarantined or removed"):
        store.delete("connection.a", actor="t")
    assert raw_sql(state_url, "SELECT COUNT(*) FROM records")[0][0] == 1
