from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from provisioner.errors import ProvisionerError, StalePlanError
from provisioner.plan.differ import diff
from provisioner.plan.planfile import plan_from_dict, plan_to_dict, read_plan_file, write_plan_file
from provisioner.plan.staleness import ensure_fresh, stale_reasons
from provisioner.state.records import HistoryEntry
from tests.unit.plan.builders import CountingDecryptor, connection_doc, declaration, fingerprint, record_for, snapshot

KEY = bytes(range(32))


def make(decls, snap, **kw):
    return diff(decls, snap, fingerprint=fingerprint, decrypt=CountingDecryptor(), **kw).plan


@pytest.fixture
def world():
    kept = declaration(connection_doc("kept"), file="connections/kept.yaml")
    edited_old = declaration(connection_doc("edited"), file="connections/edited.yaml")
    edited = declaration(connection_doc("edited", accessToken="rotated"), file="connections/edited.yaml",
                         ciphertext_tag="v2")
    new = declaration(connection_doc("new"), file="connections/new.yaml")
    snap = snapshot(record_for(kept), record_for(edited_old), serial=7)
    return [kept, edited, new], snap


def test_plan_file_round_trips(tmp_path, world):
    decls, snap = world
    plan = make(decls, snap)
    path = tmp_path / "plan.json"
    write_plan_file(plan, path, KEY)
    again = read_plan_file(path, KEY)
    assert plan_to_dict(again) == plan_to_dict(plan)
    raw = json.loads(path.read_text())
    assert raw["format_version"] == 1 and raw["serial"] == 7 and raw["lineage"] == snap.lineage
    assert {c["address"]: c["action"] for c in raw["changes"]} == {
        "connection.edited": "update", "connection.kept": "no-op", "connection.new": "create"}
    assert all(c["desired_digest"] for c in raw["changes"])


def test_plan_file_holds_no_secret_value(tmp_path, world):
    decls, snap = world
    path = tmp_path / "plan.json"
    write_plan_file(make(decls, snap), path, KEY)
    text = path.read_text()
    for value in ("rotated", "cs-new", "at-new", "ts-new", "at-kept"):
        assert value not in text


@pytest.mark.parametrize("raw", [{}, [], {"format_version": 99}, {"format_version": 1, "workspace": "x"}])
def test_damaged_or_foreign_plan_files_are_refused(raw):
    with pytest.raises(ProvisionerError) as exc:
        plan_from_dict(raw)
    assert exc.value.code == "plan-file"


def test_missing_plan_file_is_a_clear_error(tmp_path):
    with pytest.raises(ProvisionerError, match="no such plan file"):
        read_plan_file(tmp_path / "nope.json", KEY)


def test_unchanged_world_is_fresh(world):
    decls, snap = world
    plan = make(decls, snap)
    assert stale_reasons(plan, snap, [], make(decls, snap)) == []
    ensure_fresh(plan, snap, [], make(decls, snap))


def test_state_written_after_plan_is_refused_naming_the_writes(world):
    decls, snap = world
    plan = make(decls, snap)
    later = dataclasses.replace(snap, serial=9)
    history = [
        HistoryEntry(8, "update", "connection.kept", "alice", datetime(2026, 5, 1, 12, 0, tzinfo=UTC), "ok"),
        HistoryEntry(9, "create", "connection.other", "bob", datetime(2026, 5, 1, 12, 5, tzinfo=UTC), "ok"),
    ]
    with pytest.raises(StalePlanError) as exc:
        ensure_fresh(plan, later, history, make(decls, later))
    msg = exc.value.message
    assert "serial 7 then, 9 now" in msg
    assert "serial 8: update connection.kept by alice" in msg
    assert "serial 9: create connection.other by bob" in msg


def test_replaced_state_is_refused(world):
    decls, snap = world
    plan = make(decls, snap)
    other = dataclasses.replace(snap, lineage="ffffffffffffffff")
    assert "state was replaced" in stale_reasons(plan, other, [], make(decls, other))[0]


def test_file_edited_after_plan_is_refused_naming_the_file(world):
    decls, snap = world
    plan = make(decls, snap)
    kept_edited = declaration(connection_doc("kept", baseUri="https://elsewhere/rest"),
                              file="connections/kept.yaml")
    now = [kept_edited, *decls[1:]]
    reasons = stale_reasons(plan, snap, [], make(now, snap))
    assert reasons == ["connections/kept.yaml: connection.kept was edited after the plan"]


def test_secret_rotated_after_plan_is_refused(world):
    decls, snap = world
    plan = make(decls, snap)
    new_rotated = declaration(connection_doc("new", accessToken="again"), file="connections/new.yaml",
                              ciphertext_tag="v3")
    reasons = stale_reasons(plan, snap, [], make([*decls[:2], new_rotated], snap))
    assert reasons == ["connections/new.yaml: connection.new was edited after the plan"]


def test_file_removed_or_added_after_plan_is_refused(world):
    decls, snap = world
    plan = make(decls, snap)
    extra = declaration(connection_doc("extra"), file="connections/extra.yaml")
    reasons = stale_reasons(plan, snap, [], make([decls[0], decls[1], extra], snap))
    assert "connections/new.yaml: connection.new is no longer declared" in reasons
    assert "connections/extra.yaml: connection.extra is declared but not in the plan" in reasons


def test_plan_applied_twice_is_stale_the_second_time(world):
    decls, snap = world
    plan = make(decls, snap)
    after_apply = dataclasses.replace(snap, serial=snap.serial + 2)
    assert stale_reasons(plan, after_apply, [], make(decls, after_apply))
