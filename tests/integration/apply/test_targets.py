"""The Target seam: the real executor and a real SQLite state with a test-only target (tests/support).

The target records its calls and returns a remote id and version; what it returns is recorded
with the connection, its refusals fail one item only, and the ``local`` target changes nothing.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from provisioner.apply.executor import ApplyOptions, execute
from provisioner.apply.results import ItemStatus, Verdict
from provisioner.errors import ProvisionerError
from provisioner.plan.differ import diff
from provisioner.state import open_store
from provisioner.targets.local import LocalTarget
from tests.support.recording_target import RecordingTarget, Remote
from tests.unit.plan.builders import CountingDecryptor, connection_doc, declaration

OK = Verdict(ok=True, outcome="ok", status=200, elapsed_ms=5.0)
BAD = Verdict(ok=False, outcome="unauthorized", status=401, message="The consumer isn't authorized")

# The state branch of issue 10 stores Record.target_outputs (in the record and its MAC); until that
# lands, a store reads every record back with empty outputs. These tests then fail as expected.
@pytest.fixture
def store(tmp_path: Path):
    with open_store(f"sqlite:///{tmp_path / 'state.db'}", workspace="default", key=os.urandom(32), create=True) as s:
        yield s


def decls_named(*names: str, **auth: str):
    return [declaration(connection_doc(n, **auth), file=f"{n}.yaml") for n in names]


def apply_with(store, decls, target, *, fail: set[str] = frozenset(), **opts):
    result = diff(decls, store.snapshot(), fingerprint=store.fingerprint, decrypt=CountingDecryptor(),
                  allow_delete=opts.pop("allow_delete", False))
    decrypted = {a: dataclasses.replace(d, decrypted=True) for a, d in result.declarations.items()}
    options = ApplyOptions(actor="tester", prober=lambda d, agents: BAD if d.name in fail else OK, target=target,
                           **opts)
    return execute(result.plan, decrypted, store, options)


def statuses(report):
    return {i.address: i.status for i in report.items}


def test_outputs_of_put_are_recorded_with_the_connection_and_given_back_on_update(store):
    target = RecordingTarget()
    report = apply_with(store, decls_named("a", "b"), target)
    assert report.ok and report.count(ItemStatus.APPLIED) == 2
    records = store.snapshot().records
    outputs = {a: dict(r.target_outputs) for a, r in records.items()}
    assert sorted(o["remote_id"] for o in outputs.values()) == ["r0001", "r0002"]  # in the order the tests end
    assert {o["remote_version"] for o in outputs.values()} == {"1"}
    lineage = store.snapshot().lineage
    assert {r.remote_id: r.external_id for r in target.remote.values()} == {
        o["remote_id"]: f"{lineage}/{a}" for a, o in outputs.items()}
    a_id = outputs["connection.a"]["remote_id"]

    rotated = [declaration(connection_doc("a", baseUri="https://new.example.com/rest"), file="a.yaml"),
               *decls_named("b")]
    report = apply_with(store, rotated, target)
    assert report.ok and [i.address for i in report.items] == ["connection.a"]
    assert dict(store.snapshot().records["connection.a"].target_outputs) == {"remote_id": a_id,
                                                                           "remote_version": "2"}
    assert len(target.remote) == 2 and target.remote[a_id].spec["spec"]["auth"]["baseUri"] == "https://new.example.com/rest"


def test_each_upsert_is_tested_by_us_then_remotely_then_put_and_prepare_runs_once(store):
    target = RecordingTarget()
    report = apply_with(store, decls_named("a", "b", "c"), target, parallelism=2)
    assert report.ok
    assert target.calls[0] == ("prepare", "")
    assert [m for m, _ in target.calls].count("prepare") == 1
    for address in ("connection.a", "connection.b", "connection.c"):
        mine = [m for m, a in target.calls if a == address]
        assert mine == ["test", "put"], (address, mine)
    (context,) = target.contexts
    assert context.workspace == "default" and context.lineage == store.snapshot().lineage
    assert sorted(context.declarations) == ["connection.a", "connection.b", "connection.c"]


def test_our_failed_test_never_reaches_the_target(store):
    target = RecordingTarget()
    report = apply_with(store, decls_named("good", "bad"), target, fail={"bad"})
    assert statuses(report) == {"connection.good": ItemStatus.APPLIED, "connection.bad": ItemStatus.FAILED}
    assert "connection.bad" not in [a for _, a in target.calls]


def test_a_failed_remote_test_fails_that_connection_only_and_puts_nothing(store):
    target = RecordingTarget(fail_test={"bad"})
    report = apply_with(store, decls_named("good", "bad", "fine"), target)
    assert statuses(report) == {"connection.good": ItemStatus.APPLIED, "connection.bad": ItemStatus.FAILED,
                                "connection.fine": ItemStatus.APPLIED}
    failed = next(i for i in report.items if i.status is ItemStatus.FAILED)
    assert failed.verdict is not None and failed.verdict.outcome == "unauthorized" and failed.verdict.status == 401
    assert failed.verdict.hint == "check the credentials" and failed.detail == "remote test by target recording"
    assert "connection.bad" not in target.calls_to("put")
    assert sorted(store.snapshot().records) == ["connection.fine", "connection.good"]
    assert any(h.action == "test" and h.outcome == "failed" and h.detail == "recording: unauthorized"
               for h in store.history() if h.address == "connection.bad")


def test_a_put_refused_by_the_target_fails_that_item_only_and_is_planned_again(store):
    target = RecordingTarget(refuse_put={"bad"})
    decls = decls_named("good", "bad", "fine")
    report = apply_with(store, decls, target)
    assert statuses(report) == {"connection.good": ItemStatus.APPLIED, "connection.bad": ItemStatus.FAILED,
                                "connection.fine": ItemStatus.APPLIED}
    failed = next(i for i in report.items if i.status is ItemStatus.FAILED)
    assert failed.verdict == OK  # our test passed; the target said no
    assert failed.detail == ("target recording refused the create: 422 invalid_field: http.baseURI is not "
                             "allowed (hint: fix the field the target names)")
    snap = store.snapshot()
    assert "connection.bad" not in snap.records
    refusals = [h for h in store.history() if h.action == "target"]
    assert [(h.address, h.outcome, h.detail) for h in refusals] == [
        ("connection.bad", "failed", "recording create: invalid-field")]
    assert snap.serial == 2  # a refusal moves no serial

    target.refuse_put.clear()
    again = apply_with(store, decls, target)
    assert again.ok and [i.address for i in again.items] == ["connection.bad"]


def test_a_delete_refused_by_the_target_keeps_the_record(store):
    target = RecordingTarget(refuse_delete={"used": "flow Orders to NetSuite"})
    apply_with(store, decls_named("keep", "used", "free"), target)
    report = apply_with(store, decls_named("keep"), target, allow_delete=True)
    assert statuses(report) == {"connection.used": ItemStatus.FAILED, "connection.free": ItemStatus.DELETED}
    refused = next(i for i in report.items if i.status is ItemStatus.FAILED)
    assert refused.detail == ("target recording refused the delete: still used by flows: flow Orders to NetSuite "
                              "(hint: remove the connection from those flows first); the record is kept")
    assert sorted(store.snapshot().records) == ["connection.keep", "connection.used"]
    assert sorted(target.calls_to("delete")) == ["connection.free", "connection.used"]
    assert any(h.action == "target" and h.detail == "recording delete: in-use" for h in store.history())


def test_a_delete_is_given_the_record_with_its_outputs(store):
    target = RecordingTarget()
    apply_with(store, decls_named("keep", "drop"), target)
    drop_id = store.snapshot().records["connection.drop"].target_outputs["remote_id"]
    report = apply_with(store, decls_named("keep"), target, allow_delete=True)
    assert report.ok and drop_id not in target.remote and len(target.remote) == 1


def test_a_create_that_reached_the_target_but_not_the_state_is_found_again(store):
    """As after a kill between the remote create and the commit: the next create finds it by external id."""
    lineage = store.snapshot().lineage
    target = RecordingTarget()
    target.remote["r0001"] = Remote("r0001", f"{lineage}/connection.a", {"half": "done"})
    report = apply_with(store, decls_named("a"), target)
    assert report.ok and list(target.remote) == ["r0001"] and target.remote["r0001"].version == 2


def test_a_failed_prepare_stops_the_run_before_anything_is_applied(store):
    target = RecordingTarget(reject_token=True)
    with pytest.raises(ProvisionerError, match="API token was rejected"):
        apply_with(store, decls_named("a"), target)
    assert target.calls == [("prepare", "")]
    assert store.snapshot().records == {} and store.history() == []


def test_skip_test_skips_the_remote_test_but_still_puts(store):
    target = RecordingTarget(fail_test={"a"})
    report = apply_with(store, decls_named("a"), target, skip_test=True)
    assert report.ok and target.calls_to("test") == [] and target.calls_to("put") == ["connection.a"]


def test_the_local_target_is_the_default_and_records_no_outputs(store):
    assert isinstance(ApplyOptions(actor="x", prober=lambda d, a: OK).target, LocalTarget)
    report = apply_with(store, decls_named("a"), LocalTarget())
    assert report.ok
    assert dict(store.snapshot().records["connection.a"].target_outputs) == {}
    assert [h.action for h in store.history()] == ["create"]
