"""The ``Target`` protocol: where an applied connection goes, and the few types it speaks.

The executor (``provisioner.apply.executor``) drives a target through one run:

1. ``prepare(run)`` once, under the workspace lease, before any item (a REST target checks its
   API token and looks up what it needs once, e.g. its agents). Raising stops the run before
   anything is applied.
2. For each create or update whose own connection test passed: ``test(desired)`` (the target
   tests the connection remotely without saving it), then ``put(desired)``, which creates or
   replaces it remotely and returns the ``TargetOutputs`` the state records with the connection.
   ``desired.previous`` holds what ``put`` returned last time (``{}`` on a create).
3. For each delete: ``delete(record)`` removes it remotely, or refuses (e.g. "still used by
   flows"); only then does the state record go.

``test``, ``put`` and ``delete`` raise ``TargetError`` to fail that one item: nothing is committed
for it and the other items go on. ``test`` and ``put`` run on worker threads, up to the run's
parallelism at once, so a target must be thread-safe; ``prepare``, ``delete`` and ``close`` run on
the caller's thread.

Crash safety: a run may be killed between ``put`` and the state commit, or between ``delete``
and the state delete. The next run plans the same change again, so ``put`` must find a half-done
create again (e.g. by an external id derived from ``RunContext.lineage`` and the address) instead
of creating a duplicate, and ``delete`` of something already gone remotely must succeed.

Targets that can be read back (``capabilities.reads_back``) let plan and drift compare the state
with the remote side: ``read(record)`` reads one applied connection (``None``: gone remotely),
``read_all()`` lists every remote connection (to find undeclared ones).

No secret value may appear in a ``TargetOutputs``, a ``RemoteView``, an exception or a log line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from provisioner.errors import ProvisionerError

if TYPE_CHECKING:  # only annotations: provisioner.config imports this package, and the state imports the config
    from provisioner.declarations.declaration import Declaration
    from provisioner.state.records import Record

# What a target returns from ``put`` and the state stores as ``Record.target_outputs`` (inside the
# record's MAC): JSON values with snake_case keys, e.g. {"remote_id": "5f1e...", "remote_version":
# "2026-12-01T21:40:00.000Z"}. Never a secret. The ``local`` target returns {}.
TargetOutputs = Mapping[str, Any]


class TargetError(ProvisionerError):
    """A target failed or refused one item (a remote test failed, a 422, "still used by flows").

    ``code`` is the failure class ("unauthorized", "invalid-field", "in-use", ...), ``status`` the
    remote HTTP status when there was one. The message names why, and never holds a secret.
    ``whole_run``: the failure is not the item's but the target's (its API token was rejected), so no
    other item can fare better — the command stops with it instead of reporting it once per item.
    """

    code = "target"

    def __init__(self, message: str, *, code: str | None = None, hint: str | None = None,
                 status: int | None = None, whole_run: bool = False) -> None:
        super().__init__(message, code=code, hint=hint)
        self.status = status
        self.whole_run = whole_run


@dataclass(frozen=True)
class Capabilities:
    reads_back: bool = False  # read() and read_all() work: plan and drift can compare with the remote side


@dataclass(frozen=True)
class RunContext:
    """What a target may need once per run (``prepare``)."""

    workspace: str
    lineage: str  # the state's lineage: with an address, a stable external id for find-again
    declarations: Mapping[str, Declaration]  # every declaration of the run, by address (agents included)
    records: Mapping[str, Record]  # the state's records at the start of the run, by address


@dataclass(frozen=True)
class Desired:
    """One connection or agent to create or update, as declared. ``declaration`` holds secret values."""

    address: str
    action: str  # "create" or "update", as planned (after a crash a "create" may exist remotely already)
    spec: Mapping[str, Any]  # the non-secret spec, exactly as the state will record it
    declaration: Declaration  # decrypted: the secret values are in ``declaration.resource`` (memory only)
    previous: TargetOutputs = field(default_factory=dict)  # what put() returned last time; {} on a create

    @property
    def kind(self) -> str:
        return self.declaration.kind

    @property
    def name(self) -> str:
        return self.declaration.name

    def __repr__(self) -> str:  # never show the declaration (secret values), even in a debugger or a log
        return f"Desired(address={self.address!r}, action={self.action!r}, previous={dict(self.previous)!r})"


@dataclass(frozen=True)
class RemoteView:
    """An applied connection as the target holds it, read back. Secrets come back masked: never here."""

    remote_id: str
    fields: Mapping[str, Any]  # the non-secret fields, mapped back to the declaration's spec paths
    external_id: str | None = None  # the declaration it was made for, when the target recorded one
    version: str | None = None  # remote version or last-modified time
    modified_by: str | None = None


class Target(Protocol):
    """Where an applied connection goes. See the module docstring for the order of calls."""

    @property
    def name(self) -> str:
        """The ``type`` that selects this target in provisioner.yaml ("local", ...)."""
        ...

    @property
    def capabilities(self) -> Capabilities: ...

    def prepare(self, run: RunContext) -> None:
        """Once per run, before any item; raise (``ProvisionerError``) to stop the run before it starts."""
        ...

    def test(self, desired: Desired) -> None:
        """Test the connection remotely without saving it; raise ``TargetError`` when the test fails."""
        ...

    def put(self, desired: Desired) -> TargetOutputs:
        """Create or replace the connection remotely (finding a half-done create again); what to record."""
        ...

    def delete(self, record: Record) -> None:
        """Delete remotely (already gone is fine); raise ``TargetError`` to refuse, naming why."""
        ...

    def read(self, record: Record) -> RemoteView | None:
        """The remote side of one applied connection; ``None`` when it is gone. Only if ``reads_back``."""
        ...

    def read_all(self) -> Iterator[RemoteView]:
        """Every connection on the remote side (declared or not). Only if ``reads_back``."""
        ...

    def own_secrets(self) -> tuple[str, ...]:
        """The target's own credentials (an API token): what the remote side says is cleaned of them too."""
        ...

    def close(self) -> None:
        """Release what the target holds (sessions); called once when the command ends."""
        ...
