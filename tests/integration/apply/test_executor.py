"""The executor against a real SQLite state: test-then-commit, partial failure, ordering, interruption.

The prober here is the injected probe seam (decided by connection name); the real probe
against the sandbox is exercised end to end in tests/e2e.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

import pytest

from provisioner.apply.executor import ApplyOptions, execute
from provisioner.apply.results import ItemStatus, Verdict
from provisioner.errors import ConfigError
from provisioner.plan.differ import diff
from provisioner.plan.model import Action
from provisioner.state import open_store
from tests.unit.plan.builders import CountingDecryptor, connection_doc, declaration

OK = Verdict(ok=True, outcome="ok", status=200, elapsed_ms=5.0)
BAD = Verdict(ok=False, outcome="unauthorized", status=401, message="The consumer isn't authorized",
              hint="check the credentials")


@pytest.fixture
def store(tmp_path: Path):
    with open_store(f"sqlite:///{tmp_path / 'state.db'}", workspace="default", key=os.urandom(32), create=True) as s:
        yield s


def plan_and_apply(store, decls, prober, **opts):
    snap = store.snapshot()
    result = diff(decls, snap, fingerprint=store.fingerprint, decrypt=CountingDecryptor(),
                  allow_delete=opts.pop("allow_delete", False))
    decrypted = {a: dataclasses.replace(d, decrypted=True) for a, d in result.declarations.items()}
    report = execute(result.plan, decrypted, store, ApplyOptions(actor="tester", prober=prober, **opts))
    return result.plan, report


def by_name(failing: set[str]):
    return lambda decl, agents: BAD if decl.name in failing else OK


def test_create_then_noop_then_update_converges(store):
    decls = [declaration(connection_doc(n), file=f"{n}.yaml") for n in ("a", "b", "c")]
    plan, report = plan_and_apply(store, decls, by_name(set()))
    assert report.ok and report.count(ItemStatus.APPLIED) == 3
    assert report.serial_after == report.serial_before + 3
    snap = store.snapshot()
    assert sorted(snap.records) == ["connection.a", "connection.b", "connection.c"]
    assert snap.records["connection.a"].last_test["outcome"] == "ok"
    again = diff(decls, snap, fingerprint=store.fingerprint, decrypt=CountingDecryptor())
    assert not again.plan.has_changes

    rotated = [declaration(connection_doc("a", accessToken="new"), file="a.yaml", ciphertext_tag="v2"), *decls[1:]]
    plan, report = plan_and_apply(store, rotated, by_name(set()))
    assert [(c.address, c.action) for c in plan.changes if c.actionable] == [("connection.a", Action.UPDATE)]
    assert report.ok
    assert store.unseal("connection.a")["spec.auth.accessToken"] == "new"
    assert [h.action for h in store.history()][-1] == "update"


def test_failing_connection_is_not_committed_and_is_planned_again(store):
    decls = [declaration(connection_doc(n), file=f"{n}.yaml") for n in ("good", "bad", "fine")]
    _, report = plan_and_apply(store, decls, by_name({"bad"}))
    assert not report.ok
    statuses = {i.address: i.status for i in report.items}
    assert statuses == {"connection.good": ItemStatus.APPLIED, "connection.bad": ItemStatus.FAILED,
                        "connection.fine": ItemStatus.APPLIED}
    failed = next(i for i in report.items if i.status is ItemStatus.FAILED)
    assert failed.verdict is not None and failed.verdict.hint == "check the credentials"
    snap = store.snapshot()
    assert "connection.bad" not in snap.records
    assert any(h.action == "test" and h.outcome == "failed" and h.address == "connection.bad"
               for h in store.history())
    next_plan = diff(decls, snap, fingerprint=store.fingerprint, decrypt=CountingDecryptor()).plan
    assert [c.address for c in next_plan.changes if c.actionable] == ["connection.bad"]


def test_skip_test_commits_untested_and_records_it(store):
    decl = declaration(connection_doc("a"))
    _, report = plan_and_apply(store, [decl], by_name({"a"}), skip_test=True)
    assert report.ok
    assert store.snapshot().records["connection.a"].last_test["outcome"] == "untested"


def test_deletes_need_allow_delete_and_run_last(store):
    decls = [declaration(connection_doc(n), file=f"{n}.yaml") for n in ("keep", "drop")]
    plan_and_apply(store, decls, by_name(set()))
    _plan, report = plan_and_apply(store, decls[:1], by_name(set()))
    assert report.items == [] and "connection.drop" in store.snapshot().records
    _plan, report = plan_and_apply(store, decls[:1], by_name(set()), allow_delete=True)
    assert [(i.address, i.status) for i in report.items] == [("connection.drop", ItemStatus.DELETED)]
    assert "connection.drop" not in store.snapshot().records


def test_stop_event_starts_no_new_work_and_state_stays_consistent(store):
    decls = [declaration(connection_doc(f"c{i}"), file=f"c{i}.yaml") for i in range(6)]
    stop = threading.Event()
    started = []

    def prober(decl, agents):
        started.append(decl.name)
        if len(started) == 2:
            stop.set()  # as Ctrl-C would, while the second test is in flight
        return OK

    _, report = plan_and_apply(store, decls, prober, parallelism=1, stop=stop)
    assert report.interrupted and not report.ok
    assert report.count(ItemStatus.APPLIED) == 2 and report.count(ItemStatus.SKIPPED) == 4
    snap = store.snapshot()
    assert len(snap.records) == 2
    _plan, report = plan_and_apply(store, decls, by_name(set()))
    assert report.ok and report.count(ItemStatus.APPLIED) == 4
    assert not diff(decls, store.snapshot(), fingerprint=store.fingerprint,
                    decrypt=CountingDecryptor()).plan.has_changes


def test_tests_run_concurrently_up_to_parallelism(store):
    decls = [declaration(connection_doc(f"c{i}"), file=f"c{i}.yaml") for i in range(8)]
    barrier = threading.Barrier(4, timeout=5)

    def prober(decl, agents):
        barrier.wait()  # only passes when 4 tests are in flight at once
        return OK

    _, report = plan_and_apply(store, decls, prober, parallelism=4)
    assert report.ok and report.count(ItemStatus.APPLIED) == 8


def test_a_prober_error_fails_that_connection_only(store):
    def prober(decl, agents):
        if decl.name == "odd":
            raise ConfigError("connection odd: agent 'dc9' is not declared", hint="declare the Agent")
        return OK

    decls = [declaration(connection_doc(n), file=f"{n}.yaml") for n in ("odd", "fine")]
    _, report = plan_and_apply(store, decls, prober)
    statuses = {i.address: (i.status, i.verdict.outcome if i.verdict else None) for i in report.items}
    assert statuses == {"connection.odd": (ItemStatus.FAILED, "config"), "connection.fine": (ItemStatus.APPLIED, "ok")}
    assert sorted(store.snapshot().records) == ["connection.fine"]
