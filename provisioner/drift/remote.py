"""State vs remote: for targets that can be read back (``capabilities.reads_back``), what changed over there.

The ``local`` target has no remote side (the state is its registry): nothing is read and no item
gets a remote status. A REST target (integrator.io) implements ``read`` and ``read_all``, and this
module turns what they return into statuses: ``missing-remotely`` (``read`` gave ``None``),
``modified-remotely`` (the remote fields differ from the state's spec: the paths are named) and
``undeclared-remote`` (``read_all`` lists one that no record made).

What the remote side says is server text, shown in plans and drift reports: with ``unseal`` (the
store's), every remote value, author, version and error is cleaned of the records' secrets in any
encoding (a hostile or careless account can echo what it was sent, into any connection's name or URL),
and of control characters. The records are unsealed only when there is remote text to show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from provisioner.drift.model import DriftStatus
from provisioner.errors import ProvisionerError
from provisioner.plan.normalise import flatten
from provisioner.probe.redact import Redactor
from provisioner.state.records import Record
from provisioner.targets import RemoteView, Target, TargetError

NO_REMOTE = "the {name} target has no remote side to read back"
REMOTE_TEXT_LIMIT = 500  # characters of one remote value shown
Unseal = Callable[[str], Mapping[str, str]]  # address -> its secrets (Store.unseal)


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


def _secrets_of(target: Target, unseal: Unseal | None, records: Sequence[Record]) -> Redactor:
    found: list[str] = list(target.own_secrets())
    for record in records:
        try:
            found += (unseal(record.address) if unseal is not None else {}).values()
        except ProvisionerError:  # a tampered record: reported by its own check
            continue
    return Redactor(found)


def _cleaned(finding: RemoteFinding, redactor: Redactor) -> RemoteFinding:
    return replace(finding, remote=redactor.clean_tree(dict(finding.remote), REMOTE_TEXT_LIMIT),
                   detail=redactor.clean_optional(finding.detail, REMOTE_TEXT_LIMIT),
                   by=redactor.clean_optional(finding.by, REMOTE_TEXT_LIMIT),
                   at=redactor.clean_optional(finding.at, REMOTE_TEXT_LIMIT))


def _cleaned_view(view: RemoteView, redactor: Redactor) -> RemoteView:
    return replace(view, remote_id=redactor.clean(view.remote_id, REMOTE_TEXT_LIMIT),
                   fields=redactor.clean_tree(dict(view.fields), REMOTE_TEXT_LIMIT),
                   external_id=redactor.clean_optional(view.external_id, REMOTE_TEXT_LIMIT),
                   version=redactor.clean_optional(view.version, REMOTE_TEXT_LIMIT),
                   modified_by=redactor.clean_optional(view.modified_by, REMOTE_TEXT_LIMIT))


def read_remote(target: Target, records: Sequence[Record], *, list_undeclared: bool = True,
                unseal: Unseal | None = None) -> RemoteResults:
    """``unseal``: the store's, to clean what is shown of the remote side of the records' secrets."""
    if not target.capabilities.reads_back:
        return RemoteResults()
    findings: dict[str, RemoteFinding] = {}
    errors: dict[str, str] = {}
    known_ids: set[str] = set()
    for record in records:
        try:
            view = target.read(record)
        except TargetError as exc:
            if exc.whole_run:  # a rejected API token: no record can be read, and the reader must know
                raise
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
        return _shown(RemoteResults(findings, (), errors, read=True), target, unseal, records)
    try:
        undeclared = tuple(v for v in target.read_all() if v.remote_id not in known_ids)
    except TargetError as exc:
        if exc.whole_run:
            raise
        errors["*"] = exc.message
        undeclared = ()
    return _shown(RemoteResults(findings, undeclared, errors, read=True), target, unseal, records)


def _shown(results: RemoteResults, target: Target, unseal: Unseal | None, records: Sequence[Record]) -> RemoteResults:
    """``results`` with every remote text cleaned of every record's secrets (unsealed only if there is some)."""
    if not (results.errors or results.undeclared or any(f.remote or f.by or f.at for f in results.findings.values())):
        return results
    redactor = _secrets_of(target, unseal, records)
    return replace(results, findings={a: _cleaned(f, redactor) for a, f in results.findings.items()},
                   undeclared=tuple(_cleaned_view(v, redactor) for v in results.undeclared),
                   errors={a: redactor.clean(why, REMOTE_TEXT_LIMIT) for a, why in results.errors.items()})
