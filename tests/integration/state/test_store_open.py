"""Opening a store: only ``create=True`` creates anything; a missing state or workspace names what exists;
``missing_ok`` gives an empty store; a store is a context manager."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from provisioner.errors import StateError
from provisioner.state import Store, open_store
from provisioner.state.urls import sqlite_path
from tests.integration.state.helpers import connection, raw_sql


def _nothing_created(state_url: str) -> None:
    path = sqlite_path(state_url)
    if path is not None:
        assert not path.parent.exists()  # not even the directory
        return
    with psycopg.connect(state_url) as conn:
        assert conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall() == []


def test_a_read_only_open_of_a_missing_state_creates_nothing(state_url: str, key: bytes) -> None:
    with pytest.raises(StateError, match="no state exists yet") as caught:
        open_store(state_url, workspace="default", key=key)
    assert caught.value.code == "state-workspace-missing"
    assert caught.value.hint and "provisioner apply" in caught.value.hint
    with open_store(state_url, workspace="default", key=key, missing_ok=True) as empty:
        snap = empty.snapshot()
        assert (snap.workspace, snap.lineage, snap.serial, dict(snap.records)) == ("default", "", 0, {})
        assert empty.history() == [] and empty.locks() == []
        assert empty.fingerprint("connection.a", "spec.auth.accessToken", "v")
        with pytest.raises(StateError, match="no state exists yet"):
            empty.put(connection("a"), action="create", actor="t")
        with pytest.raises(StateError, match="no state exists yet"), empty.lock("apply", timeout=0):
            pass
    _nothing_created(state_url)


def test_a_missing_workspace_is_named_with_the_ones_that_exist(store: Store, state_url: str, key: bytes) -> None:
    with open_store(state_url, workspace="staging", key=os.urandom(32), create=True):
        pass
    with pytest.raises(StateError) as caught:
        open_store(state_url, workspace="prdo", key=key)
    assert caught.value.code == "state-workspace-missing"
    assert "workspace prdo does not exist" in str(caught.value)
    assert "existing workspaces: default, staging" in str(caught.value)
    with open_store(state_url, workspace="prdo", key=key, missing_ok=True) as empty:
        assert empty.snapshot().lineage == ""
    assert [r[0] for r in raw_sql(state_url, "SELECT name FROM workspaces ORDER BY name")] == ["default", "staging"]


def test_create_makes_the_state_and_the_workspace_once(state_url: str, key: bytes) -> None:
    with open_store(state_url, workspace="default", key=key, create=True) as first:
        first.put(connection("a"), action="create", actor="t")
        lineage = first.snapshot().lineage
    with open_store(state_url, workspace="default", key=key, create=True) as again:
        assert (again.snapshot().lineage, again.snapshot().serial) == (lineage, 1)
    with open_store(state_url, workspace="default", key=key) as reader:
        assert sorted(reader.snapshot().records) == ["connection.a"]


def test_a_store_closes_when_its_block_ends_even_on_an_error(tmp_path: Path, key: bytes) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    with pytest.raises(RuntimeError), open_store(url, workspace="default", key=key, create=True) as store:
        raise RuntimeError("boom")
    with pytest.raises(StateError, match="database error"):
        store.snapshot()  # closed: its connection is gone


def test_an_empty_sqlite_file_is_no_state_and_stays_empty(tmp_path: Path, key: bytes) -> None:
    path = tmp_path / "state.db"
    path.touch()
    with pytest.raises(StateError, match="no state exists yet"):
        open_store(f"sqlite:///{path}", workspace="default", key=key)
    assert path.stat().st_size == 0
