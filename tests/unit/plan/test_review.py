"""ensure_reviewed: the saved plan must equal the plan made now, field by field, or apply refuses.

This is the layer that holds against a holder of the state key (a valid MAC): each edit from
issue 11 is refused, naming the address and the field path, and no value is printed.
"""

from __future__ import annotations

import dataclasses

import pytest

from provisioner.errors import ProvisionerError
from provisioner.plan.differ import diff
from provisioner.plan.model import Action, FieldChange, Plan
from provisioner.plan.review import differences, ensure_reviewed
from provisioner.plan.staleness import stale_reasons
from provisioner.state.records import Snapshot
from tests.unit.plan.builders import CountingDecryptor, connection_doc, declaration, fingerprint, record_for, snapshot

ATTACKER = "https://attacker.example/rest"


def make(decls, snap, **kw):
    return diff(decls, snap, fingerprint=fingerprint, decrypt=CountingDecryptor(), **kw).plan


@pytest.fixture
def world():
    kept = declaration(connection_doc("kept"), file="connections/kept.yaml")
    edited_old = declaration(connection_doc("edited"), file="connections/edited.yaml")
    edited = declaration(connection_doc("edited", baseUri="https://shop2.example.com/rest"),
                         file="connections/edited.yaml")
    new = declaration(connection_doc("new"), file="connections/new.yaml")
    gone = declaration(connection_doc("gone"), file="connections/gone.yaml")
    snap = snapshot(record_for(kept), record_for(edited_old), record_for(gone), serial=7)
    return [kept, edited, new], snap


def replace_change(plan: Plan, address: str, **changes) -> Plan:
    return dataclasses.replace(plan, changes=tuple(
        dataclasses.replace(c, **changes) if c.address == address else c for c in plan.changes))


def with_after(plan: Plan, address: str, base_uri: str) -> Plan:
    change = plan.change(address)
    after = {**change.after, "spec": {**change.after["spec"], "auth": {**change.after["spec"]["auth"],
                                                                      "baseUri": base_uri}}}
    return replace_change(plan, address, after=after)


def test_the_same_plan_made_twice_is_reviewed(world):
    decls, snap = world
    saved, fresh = make(decls, snap), make(decls, snap)
    assert differences(saved, fresh) == []
    ensure_reviewed(saved, fresh)


def test_an_edited_after_is_named_by_address_and_path_without_its_value(world):
    decls, snap = world
    fresh = make(decls, snap)
    saved = with_after(fresh, "connection.new", ATTACKER)
    with pytest.raises(ProvisionerError) as exc:
        ensure_reviewed(saved, fresh)
    assert exc.value.code == "plan-file-modified"
    assert "was modified" in exc.value.message
    assert "connection.new: after.spec.auth.baseUri differs" in exc.value.message
    assert ATTACKER not in exc.value.message and "shop.example.com" not in exc.value.message


def test_a_delete_made_real_is_named(world):
    decls, snap = world
    fresh = make(decls, snap)  # made without --allow-delete: the delete of gone is held back
    saved = replace_change(dataclasses.replace(fresh, allow_delete=True), "connection.gone", blocked=None)
    found = differences(saved, fresh)
    assert "the plan's allow_delete differs" in found
    assert "connection.gone: blocked differs" in found


@pytest.mark.parametrize(("edit", "expected"), [
    ({"kind": "Agent"}, "connection.new: kind differs"),
    ({"action": Action.NOOP}, "connection.new: action differs"),
    ({"name": "other"}, "connection.new: name differs"),
    ({"desired_digest": "0" * 64}, "connection.new: desired_digest differs"),
    ({"sensitive_changed": ()}, "connection.new: sensitive_changed differs"),
    ({"reason": "up to date"}, "connection.new: reason differs"),
    ({"before": {}}, "connection.new: before differs"),
    ({"after": None}, "connection.new: after differs"),
    ({"fields": (FieldChange("spec.displayName", None, "x"),)}, "connection.new: fields[spec.displayName] differs"),
])
def test_each_field_of_a_change_is_compared(world, edit, expected):
    decls, snap = world
    fresh = make(decls, snap)
    assert expected in differences(replace_change(fresh, "connection.new", **edit), fresh)


def test_values_are_compared_by_type(world):
    """``True`` equals ``1`` in Python; in a reviewed plan it is a different value."""
    decls, snap = world
    fresh = make(decls, snap)
    change = fresh.change("connection.new")
    after = {**change.after, "spec": {**change.after["spec"], "advanced": {
        **change.after["spec"]["advanced"], "verifyTls": 1}}}
    found = differences(replace_change(fresh, "connection.new", after=after), fresh)
    assert found == ["connection.new: after.spec.advanced.verifyTls differs"]


@pytest.mark.parametrize("edit", [{"workspace": "prod"}, {"lineage": "ffff"}, {"serial": 8}, {"targets": ("kept",)},
                                  {"allow_delete": True}, {"format_version": 2}])
def test_each_field_of_the_plan_is_compared(world, edit):
    decls, snap = world
    fresh = make(decls, snap)
    (name,) = edit
    assert f"the plan's {name} differs" in differences(dataclasses.replace(fresh, **edit), fresh)


def test_a_change_missing_or_added_is_named(world):
    decls, snap = world
    fresh = make(decls, snap)
    fewer = dataclasses.replace(fresh, changes=tuple(c for c in fresh.changes if c.address != "connection.new"))
    assert differences(fewer, fresh) == ["connection.new: in the plan made now, not in the plan file"]
    assert differences(fresh, fewer) == ["connection.new: in the plan file, not in the plan made now"]


def test_created_at_and_file_are_not_compared(world):
    decls, snap = world
    fresh = make(decls, snap)
    saved = replace_change(dataclasses.replace(fresh, created_at="2001-01-01"), "connection.new", file="moved.yaml")
    assert differences(saved, fresh) == []


def test_a_plan_made_before_the_workspace_existed_holds_while_it_is_empty(world):
    decls, _ = world
    saved = make(decls, Snapshot(workspace="default", lineage="", serial=0))
    created = Snapshot(workspace="default", lineage="0123456789abcdef", serial=0)
    fresh = make(decls, created)
    assert stale_reasons(saved, created, [], fresh) == []
    assert differences(saved, fresh) == []
    written = dataclasses.replace(created, serial=1)
    assert stale_reasons(saved, written, [], make(decls, written)) == [
        "the state changed since the plan (serial 0 then, 1 now)"]


def test_a_hostile_key_in_after_is_escaped_in_the_message(world):
    decls, snap = world
    fresh = make(decls, snap)
    change = fresh.change("connection.new")
    forged = "x\x1b[2J\r\nfake: applied"
    after = {**change.after, "spec": {**change.after["spec"], forged: 1}}
    (found,) = differences(replace_change(fresh, "connection.new", after=after), fresh)
    assert "\x1b" not in found and "\n" not in found and "\\u001b" in found
