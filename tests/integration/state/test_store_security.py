"""Conformance: no secret in the stored bytes, tampering detected and named, the wrong key told apart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from provisioner.errors import StateError
from provisioner.state import Store, open_store
from provisioner.state.urls import sqlite_path
from provisioner.state.verify import require_sound
from tests.integration.state.helpers import TOKEN, canary, connection, raw_sql
from tests.support.postgres import PostgresServer


def _stored_bytes(state_url: str, request: pytest.FixtureRequest) -> bytes:
    path = sqlite_path(state_url)
    if path is not None:
        return b"".join(p.read_bytes() for p in Path(path.parent).iterdir())
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.dump(state_url)


def test_stored_bytes_hold_no_secret(state_url: str, key: bytes, request: pytest.FixtureRequest) -> None:
    with open_store(state_url, workspace="default", key=key, create=True) as store:
        canaries = [canary() for _ in range(6)]
        for i in range(3):
            secrets = {TOKEN: canaries[2 * i], "spec.auth.tokenSecret": canaries[2 * i + 1]}
            store.put(connection(f"c{i}", secrets_=secrets), action="create", actor="t")
        store.rekey(os.urandom(32), actor="t")  # history of old ciphertexts must not leak either
    dump = _stored_bytes(state_url, request)
    assert b"connection.c2" in dump  # the dump really holds the records
    for value in canaries:
        assert value.encode() not in dump
    assert key not in dump


def test_swapped_ciphertexts_are_detected(store: Store, state_url: str) -> None:
    store.put(connection("a"), action="create", actor="t")
    store.put(connection("b"), action="create", actor="t")
    rows = dict(raw_sql(state_url, "SELECT address, sealed FROM records"))
    raw_sql(state_url, "UPDATE records SET sealed = ? WHERE address = ?", (rows["connection.b"], "connection.a"))
    raw_sql(state_url, "UPDATE records SET sealed = ? WHERE address = ?", (rows["connection.a"], "connection.b"))
    with pytest.raises(StateError, match=r"record connection\.a .*integrity") as caught:
        require_sound(store.snapshot())
    assert caught.value.code == "state-tampered"
    with pytest.raises(StateError, match=r"record connection\.b .*integrity"):
        store.unseal("connection.b")


@pytest.mark.parametrize(("column", "sql"), [
    ("spec", "UPDATE records SET spec = replace(spec, 'shop.example.com', 'evil.example.com')"),
    ("serial", "UPDATE records SET serial = serial + 1"),
    ("fingerprints", "UPDATE records SET fingerprints = '{}'"),
    ("applied_by", "UPDATE records SET applied_by = 'someone-else'"),
])
def test_a_row_edited_in_the_database_is_detected(store: Store, state_url: str, column: str, sql: str) -> None:
    store.put(connection("a"), action="create", actor="t")
    raw_sql(state_url, sql + " WHERE address = ?", ("connection.a",))
    with pytest.raises(StateError, match=r"record connection\.a in workspace default failed its integrity check"):
        require_sound(store.snapshot())
    with pytest.raises(StateError, match="integrity"):
        store.unseal("connection.a")


def test_the_wrong_key_is_reported_as_such(store: Store, state_url: str) -> None:
    store.put(connection("a"), action="create", actor="t")
    with pytest.raises(StateError, match="wrong state key") as caught:
        open_store(state_url, workspace="default", key=os.urandom(32))
    assert caught.value.code == "state-wrong-key"
    assert "integrity" not in str(caught.value)


def test_a_store_opened_before_a_rekey_reports_the_wrong_key(store: Store, state_url: str, key: bytes) -> None:
    store.put(connection("a"), action="create", actor="t")
    with open_store(state_url, workspace="default", key=key) as other:
        other.rekey(os.urandom(32), actor="t")
        for action in (store.snapshot, lambda: store.unseal("connection.a"),
                       lambda: store.put(connection("b"), action="create", actor="t")):
            with pytest.raises(StateError, match="wrong state key"):
                action()
