"""Drift runs in the store, on SQLite and PostgreSQL: recorded apart, the serial untouched, failing since when."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioner.errors import StateError
from provisioner.state import Store, open_store
from provisioner.state.drift_runs import DriftResult
from tests.integration.state.helpers import connection


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = (f"sqlite:///{tmp_path / 'state.db'}" if request.param == "sqlite"
           else str(request.getfixturevalue("postgres_url")))
    with open_store(url, workspace="default", key=os.urandom(32), create=True) as opened:
        yield opened


def run(store: Store, *results: tuple[str, str]):
    return store.record_drift([DriftResult(a, s, "unauthorized" if s == "failing" else "ok") for a, s in results],
                              actor="cron@ci", git_commit="abc123", tested=True)


def test_a_drift_run_moves_no_serial_and_writes_no_history(store: Store) -> None:
    store.put(connection("shop"), action="create", actor="me")
    before = store.snapshot()
    history = store.history()
    recorded = run(store, ("connection.shop", "in-sync"))
    assert store.snapshot() == before and store.history() == history
    assert recorded.serial == before.serial and recorded.actor == "cron@ci" and recorded.git_commit == "abc123"
    assert store.drift_runs() == [recorded]


def test_failing_since_is_the_first_run_of_an_unbroken_failing_streak(store: Store) -> None:
    first = run(store, ("connection.shop", "failing"), ("connection.pim", "in-sync"))
    second = run(store, ("connection.shop", "failing"), ("connection.pim", "failing"))
    since = first.results[0].failing_since
    assert since is not None and second.results[0].failing_since == since
    assert second.results[1].failing_since == second.at  # pim started failing now
    run(store, ("connection.shop", "in-sync"))
    again = run(store, ("connection.shop", "failing"))
    assert again.results[0].failing_since == again.at  # a new streak


def test_last_drift_is_each_address_s_latest_run_that_looked_at_it(store: Store) -> None:
    run(store, ("connection.shop", "failing"), ("connection.pim", "unapplied"))
    latest = run(store, ("connection.shop", "in-sync"))  # `drift shop`: pim not looked at
    last = store.last_drift()
    assert last["connection.shop"].status == "in-sync" and last["connection.shop"].run_id == latest.run_id
    assert last["connection.pim"].status == "unapplied"
    assert [len(r.results) for r in store.drift_runs()] == [2, 1]
    assert [len(r.results) for r in store.drift_runs(limit=1)] == [1]


def test_a_read_only_open_of_a_missing_workspace_records_nothing(tmp_path: Path) -> None:
    with pytest.raises(StateError) as caught:
        open_store(f"sqlite:///{tmp_path / 'none.db'}", workspace="default", key=os.urandom(32))
    assert caught.value.code == "state-workspace-missing"
    assert not (tmp_path / "none.db").exists()
