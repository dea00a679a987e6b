"""The plan file's MAC: written by write_plan_file, every alteration refused by read_plan_file.

Each edit from issue 11 (defect 1) is made to a real plan file: without the key (the MAC left as
it was, removed, mangled, or replaced by a plain SHA-256) it is refused as modified.
"""

from __future__ import annotations

import dataclasses

import pytest

from provisioner.errors import ProvisionerError
from provisioner.plan.authentication import MAC_FIELD, MAC_PATTERN
from provisioner.plan.differ import diff
from provisioner.plan.planfile import MODIFIED, plan_to_dict, read_plan_file, write_plan_file
from provisioner.state.records import Snapshot
from tests.unit.plan.builders import CountingDecryptor, connection_doc, declaration, fingerprint, record_for, snapshot
from tests.unit.plan.planfiles import change_of, load, save, tamper

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def make(decls, snap, **kw):
    return diff(decls, snap, fingerprint=fingerprint, decrypt=CountingDecryptor(), **kw).plan


@pytest.fixture
def plan_path(tmp_path):
    kept = declaration(connection_doc("kept"), file="connections/kept.yaml")
    new = declaration(connection_doc("new"), file="connections/new.yaml")
    gone = declaration(connection_doc("gone"), file="connections/gone.yaml")
    snap = snapshot(record_for(kept), record_for(gone), serial=7)
    path = tmp_path / "plan.json"
    write_plan_file(make([kept, new], snap), path, KEY)
    return path


def refused_as_modified(path, key=KEY):
    with pytest.raises(ProvisionerError) as exc:
        read_plan_file(path, key)
    assert exc.value.code == "plan-file-modified", exc.value.message
    assert MODIFIED in exc.value.message
    assert exc.value.exit_code == 1
    return exc.value


def test_written_plan_file_has_a_mac_and_reads_back(plan_path):
    doc = load(plan_path)
    assert MAC_PATTERN.fullmatch(doc[MAC_FIELD])
    plan = read_plan_file(plan_path, KEY)
    assert plan_to_dict(plan) == {k: v for k, v in doc.items() if k != MAC_FIELD}


def set_base_uri(doc):
    change_of(doc, "connection.new")["after"]["spec"]["auth"]["baseUri"] = "https://attacker.example/rest"


def allow_the_delete(doc):
    doc["allow_delete"] = True
    change_of(doc, "connection.gone")["blocked"] = None
    doc["has_changes"] = True
    doc["summary"]["blocked"] = 0


def kind_agent(doc):
    change_of(doc, "connection.new")["kind"] = "Agent"


def action_noop(doc):
    change = change_of(doc, "connection.new")
    change["action"] = "no-op"
    doc["summary"]["create"] -= 1
    doc["summary"]["noop"] += 1
    doc["has_changes"] = False


def other_lineage(doc):
    doc["lineage"] = "fedcba9876543210"


def other_workspace(doc):
    doc["workspace"] = "prod"


def created_later(doc):
    doc["created_at"] = "2030-01-01T00:00:00+00:00"


EDITS = [set_base_uri, allow_the_delete, kind_agent, action_noop, other_lineage, other_workspace, created_later]


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_an_edit_with_the_old_mac_is_refused(plan_path, edit):
    tamper(plan_path, edit)
    refused_as_modified(plan_path)


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_an_edit_with_a_recomputed_plain_checksum_is_refused(plan_path, edit):
    tamper(plan_path, edit, checksum=True)
    refused_as_modified(plan_path)


def test_a_missing_mac_is_refused(plan_path):
    tamper(plan_path, lambda doc: doc.pop(MAC_FIELD))
    assert "no mac field" in refused_as_modified(plan_path).message


@pytest.mark.parametrize("mac", [None, 7, True, "", "hmac-sha256:", "sha256:" + "0" * 64, "hmac-sha256:" + "A" * 64,
                                 ["hmac-sha256:" + "0" * 64]])
def test_a_malformed_mac_is_refused(plan_path, mac):
    tamper(plan_path, lambda doc: doc.__setitem__(MAC_FIELD, mac))
    refused_as_modified(plan_path)


def test_another_state_key_is_refused(plan_path):
    refused_as_modified(plan_path, key=OTHER_KEY)


def test_a_plan_for_a_workspace_that_does_not_exist_yet_is_authenticated_too(tmp_path):
    new = declaration(connection_doc("new"), file="connections/new.yaml")
    empty = Snapshot(workspace="default", lineage="", serial=0)
    path = tmp_path / "plan.json"
    write_plan_file(make([new], empty), path, KEY)
    assert MAC_PATTERN.fullmatch(load(path)[MAC_FIELD])
    assert read_plan_file(path, KEY).lineage == ""
    refused_as_modified(path, key=OTHER_KEY)
    tamper(path, other_lineage)
    refused_as_modified(path)


def test_the_mac_binds_workspace_and_lineage(tmp_path):
    """The same changes under another workspace or lineage make another MAC."""
    new = declaration(connection_doc("new"), file="connections/new.yaml")
    base = snapshot(serial=3)
    macs = set()
    for snap in (base, dataclasses.replace(base, workspace="prod"), dataclasses.replace(base, lineage="")):
        path = tmp_path / f"{snap.workspace}-{snap.lineage or 'none'}.json"
        plan = dataclasses.replace(make([new], snap), created_at="2026-01-01T00:00:00+00:00")
        write_plan_file(plan, path, KEY)
        macs.add(load(path)[MAC_FIELD])
    assert len(macs) == 3


def test_reformatting_the_file_keeps_it_valid(plan_path):
    """The MAC is over the canonical JSON, so whitespace and key order do not matter; values do."""
    doc = load(plan_path)
    save(plan_path, dict(reversed(list(doc.items()))))
    assert read_plan_file(plan_path, KEY).serial == 7
