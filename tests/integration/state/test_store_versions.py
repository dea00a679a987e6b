"""Versioned records: 0.1's records (format 1) verify, new writes are format 2, columns can be added
without the key, target outputs are stored under the MAC, and rekey upgrades every record."""

from __future__ import annotations

import os

import pytest

from provisioner.errors import StateError
from provisioner.state import Store, open_store
from provisioner.state.record_mac import FORMAT_VERSION
from provisioner.state.verify import require_sound
from tests.integration.state.helpers import TOKEN, connection, raw_sql
from tests.integration.state.legacy import ADDRESSES, load_0_1_state


def _versions(url: str) -> dict[str, int]:
    return {str(a): int(v) for a, v in raw_sql(url, "SELECT address, format_version FROM records")}


def test_records_written_by_0_1_verify_and_read(state_url: str) -> None:
    key = load_0_1_state(state_url)
    with open_store(state_url, workspace="default", key=key) as store:
        snap = store.snapshot()
        assert sorted(snap.records) == ADDRESSES
        assert all(store.unseal(a) for a in ADDRESSES)
        assert all(r.target_outputs == {} for r in snap.records.values())
    assert set(_versions(state_url).values()) == {1}  # reading rewrites nothing


def test_new_writes_are_the_current_format_with_target_outputs_under_the_mac(store: Store, state_url: str) -> None:
    outputs = {"remote_id": "conn-42", "remote_version": "2026-12-01T10:00:00Z"}
    write = connection("a")
    store.put(type(write)(**{**write.__dict__, "target_outputs": outputs}), action="create", actor="t")
    assert _versions(state_url) == {"connection.a": FORMAT_VERSION}
    assert store.snapshot().records["connection.a"].target_outputs == outputs
    raw_sql(state_url, "UPDATE records SET target_outputs = ? WHERE address = ?",
            ('{"remote_id":"conn-43","remote_version":"2026-12-01T10:00:00Z"}', "connection.a"))
    with pytest.raises(StateError, match=r"record connection\.a .*integrity") as caught:
        require_sound(store.snapshot())
    assert caught.value.code == "state-tampered"


def test_columns_can_be_added_without_the_key(state_url: str) -> None:
    key = load_0_1_state(state_url)
    with open_store(state_url, workspace="default", key=key) as store:
        store.put(connection("fresh"), action="create", actor="t")  # a format-2 record beside the 0.1 ones
        before = store.snapshot()
    raw_sql(state_url, "ALTER TABLE records ADD COLUMN throwaway TEXT DEFAULT 'added later'")  # no key here
    raw_sql(state_url, "UPDATE records SET throwaway = address")
    with open_store(state_url, workspace="default", key=key) as store:
        after = store.snapshot()  # every record, format 1 and 2, still verifies
        assert after.records == before.records
        assert all(store.unseal(a) for a in after.records)
        store.put(connection("later"), action="create", actor="t")
        assert "connection.later" in store.snapshot().records
    assert set(_versions(state_url).values()) == {1, FORMAT_VERSION}


def test_relabelling_a_records_format_is_detected(state_url: str) -> None:
    key = load_0_1_state(state_url)
    with open_store(state_url, workspace="default", key=key) as store:
        store.put(connection("fresh"), action="create", actor="t")
        raw_sql(state_url, "UPDATE records SET format_version = 1 WHERE address = ?", ("connection.fresh",))
        with pytest.raises(StateError, match=r"record connection\.fresh .*integrity"):
            require_sound(store.snapshot())
        raw_sql(state_url, "UPDATE records SET format_version = 2 WHERE address = ?", ("connection.fresh",))
        raw_sql(state_url, "UPDATE records SET format_version = 2 WHERE address = ?", ("agent.dc1",))
        with pytest.raises(StateError, match=r"record agent\.dc1 .*integrity"):
            require_sound(store.snapshot())
        raw_sql(state_url, "UPDATE records SET format_version = 9 WHERE address = ?", ("agent.dc1",))
        with pytest.raises(StateError, match="format version 9") as caught:
            require_sound(store.snapshot())
        assert caught.value.code == "state-record-format"


def test_a_0_1_record_given_target_outputs_is_detected(state_url: str) -> None:
    key = load_0_1_state(state_url)
    with open_store(state_url, workspace="default", key=key) as store:  # migrates: the column exists now
        raw_sql(state_url, "UPDATE records SET target_outputs = ? WHERE address = ?",
                ('{"remote_id":"x"}', "connection.magento-prod"))
        with pytest.raises(StateError, match=r"record connection\.magento-prod .*integrity"):
            require_sound(store.snapshot())


def test_rekey_upgrades_mixed_records_to_the_current_format(state_url: str) -> None:
    key = load_0_1_state(state_url)
    with open_store(state_url, workspace="default", key=key) as store:
        store.put(connection("fresh", secrets_={TOKEN: "v"}), action="create", actor="t")
        secrets = {a: store.unseal(a) for a in store.snapshot().records}
        before = store.snapshot()
        new_key = os.urandom(32)
        store.rekey(new_key, actor="ops")
    assert set(_versions(state_url).values()) == {FORMAT_VERSION}
    with open_store(state_url, workspace="default", key=new_key) as store:
        after = store.snapshot()
        assert {a: store.unseal(a) for a in after.records} == secrets
        for address, record in after.records.items():
            assert record.spec == before.records[address].spec
            assert record.serial == before.records[address].serial
