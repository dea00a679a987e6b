"""State vs remote: for targets that can be read back (``capabilities.reads_back``), what changed over there.

The ``local`` target has no remote side (the state is its registry): nothing is read and no item
gets a remote status. A REST target (integrator.io) implements ``read`` and ``read_all``, and this
module turns what they return into statuses: ``missing-remotely`` (``read`` gave ``None``),
``modified-remotely`` (the remote fields differ from the state's spec: the paths are named) and
``undeclared-remote`` (``read_all`` lists one that no record made).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from provisioner.drift.model import DriftStatus
from provisioner.plan.normalise import flatten
from provisioner.state.records import Record
from provisioner.targets import RemoteView, Target, TargetError

NO_REMOTE = "the {name} target has no remote side to read back"


@dataclass(frozen=True)
class RemoteFinding:
    status: DriftStatus
    fields: tuple[str, ...] = ()
    detail: str | None = None
    remote: Mapping[str, object] = field(default_factory=dict)  # the remote values of ``fields`` (never a secret)
    by: str | None = None  # who changed it remotely, at which version (when the target says)
    at: str | None = None


@dataclass(frozen=True)
class RemoteResults:
    findings: Mapping[str, RemoteFinding] = field(default_factory=dict)  # by address (records only)
    undeclared: tuple[RemoteView, ...] = ()  # on the remote side, made by no record
    errors: Mapping[str, str] = field(default_factory=dict)  # address -> why it could not be read
    read: bool = False  # False when the target cannot be read back


def _differences(record: Record, view: RemoteView) -> tuple[str, ...]:
    """Only the paths the target maps back: a target need not return every field of the spec."""
    stored, remote = flatten(record.spec), flatten(view.fields)
    return tuple(sorted(p for p in remote if stored.get(p) != remote[p]))


def read_remote(target: Target, records: Sequence[Record], *, list_undeclared: bool = True) -> RemoteResults:
    if not target.capabilities.reads_back:
        return RemoteResults()
    findings: dict[str, RemoteFinding] = {}
    errors: dict[str, str] = {}
    known_ids: set[str] = set()
    for record in records:
        try:
            view = target.read(record)
        except TargetError as exc:
            errors[record.address] = exc.message
            continue
        if view is None:
            findings[record.address] = RemoteFinding(DriftStatus.MISSING_REMOTELY, detail="gone on the remote side")
            continue
        known_ids.add(view.remote_id)
        changed = _differences(record, view)
        if changed:
            who = f" by {view.modified_by}" if view.modified_by else ""
            remote = flatten(view.fields)
            findings[record.address] = RemoteFinding(DriftStatus.MODIFIED_REMOTELY, changed,
                                                     detail=f"changed on the remote side{who}",
                                                     remote={p: remote[p] for p in changed}, by=view.modified_by,
                                                     at=view.version)
    if not list_undeclared:
        return RemoteResults(findings, (), errors, read=True)
    try:
        undeclared = tuple(v for v in target.read_all() if v.remote_id not in known_ids)
    except TargetError as exc:
        errors["*"] = exc.message
        undeclared = ()
    return RemoteResults(findings, undeclared, errors, read=True)
