"""One status per address, the most severe; the read-back path a REST target fills (``Target.read``/``read_all``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from provisioner.drift.check import Findings, build_items, select
from provisioner.drift.live import LiveResults
from provisioner.drift.model import DriftStatus, LiveTest
from provisioner.drift.records import StateView
from provisioner.drift.remote import read_remote
from provisioner.state.records import Record
from provisioner.targets import Capabilities, RemoteView, TargetError, local


def record(name: str, timeout: int = 30) -> Record:
    spec = {"apiVersion": "provisioner/v1", "kind": "Connection", "metadata": {"name": name},
            "spec": {"displayName": name, "advanced": {"timeoutSeconds": timeout}}}
    return Record(address=f"connection.{name}", kind="Connection", name=name, spec=spec, fingerprints={},
                  sops_digests={}, last_test=None, applied_at=datetime.now(UTC), applied_by="me", git_commit=None,
                  serial=1, target_outputs={"remote_id": f"r-{name}"})


class ReadBackTarget(local.LocalTarget):
    """A target with a remote side held in memory: what integrator.io's target will answer."""

    def __init__(self, remote: dict[str, RemoteView]) -> None:
        self.remote = remote

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(reads_back=True)

    def read(self, record: Record) -> RemoteView | None:
        if record.name == "broken":
            raise TargetError("HTTP 503 from the remote side", code="server-error")
        return self.remote.get(str(record.target_outputs["remote_id"]))

    def read_all(self) -> Iterator[RemoteView]:
        return iter(self.remote.values())


def test_the_local_target_reads_nothing():
    assert read_remote(local.LocalTarget(), [record("shop")]).read is False


def test_a_read_back_target_finds_modified_missing_and_undeclared_connections():
    remote = {"r-same": RemoteView("r-same", {"spec.advanced.timeoutSeconds": 30}),
              "r-changed": RemoteView("r-changed", {"spec": {"advanced": {"timeoutSeconds": 99}}}, modified_by="ana"),
              "r-extra": RemoteView("r-extra", {}, external_id="connection.extra")}
    records = {r.address: r for r in (record("same"), record("changed"), record("gone"), record("broken"))}
    found = read_remote(ReadBackTarget(remote), list(records.values()))
    assert found.read and found.errors == {"connection.broken": "HTTP 503 from the remote side"}
    findings = Findings(declarations={}, state=StateView("l", 1, records), remote=found)
    # nothing is declared, so every record is orphaned first: remote statuses are less severe
    assert {i.status for i in build_items(sorted(records), findings) if i.address != "connection.extra"} == {
        DriftStatus.ORPHANED}
    assert found.findings["connection.changed"].status is DriftStatus.MODIFIED_REMOTELY
    assert found.findings["connection.changed"].fields == ("spec.advanced.timeoutSeconds",)
    assert "by ana" in (found.findings["connection.changed"].detail or "")
    assert found.findings["connection.gone"].status is DriftStatus.MISSING_REMOTELY
    assert "connection.same" not in found.findings
    assert [v.remote_id for v in found.undeclared] == ["r-extra"]
    extra = [i for i in build_items([], findings) if i.status is DriftStatus.UNDECLARED_REMOTE]
    assert [i.address for i in extra] == ["connection.extra"]


def test_the_most_severe_status_wins_and_comes_first():
    records = {r.address: r for r in (record("a"), record("b"), record("c"))}
    failed = LiveTest(outcome="unauthorized", ok=False, message="Specified token does not exist", hint="copy it")
    state = StateView("l", 1, {a: r for a, r in records.items() if a != "connection.a"},
                      tampered={"connection.a": "record connection.a failed its integrity check"})
    found = Findings(declarations={}, state=state,
                     live=LiveResults(tests={"connection.b": failed,
                                             "connection.c": LiveTest(outcome="ok", ok=True)}))
    items = build_items(sorted(records), found)
    assert [(i.address, i.status) for i in items] == [("connection.a", DriftStatus.TAMPERED),
                                                      ("connection.b", DriftStatus.FAILING),
                                                      ("connection.c", DriftStatus.ORPHANED)]
    assert items[1].reason == "unauthorized: Specified token does not exist"


def test_select_by_name_or_address():
    addresses = ["agent.dc1", "connection.dc1", "connection.shop"]
    assert select(addresses, []) == addresses
    assert select(addresses, ["dc1"]) == ["agent.dc1", "connection.dc1"]
    assert select(addresses, ["connection.shop"]) == ["connection.shop"]
