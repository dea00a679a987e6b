"""The ``local`` target (the default): the state store is the registry, so nothing goes anywhere else.

Applying with it is what apply always did: our own connection test, then the commit to the
state. It tests nothing remotely, puts nothing remotely (its outputs are empty) and refuses no
delete. There is no remote side to read back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from provisioner.errors import ConfigError
from provisioner.targets.base import Capabilities, Desired, RemoteView, RunContext, TargetError, TargetOutputs

if TYPE_CHECKING:
    from provisioner.state.records import Record

NAME = "local"


class LocalTarget:
    @property
    def name(self) -> str:
        return NAME

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(reads_back=False)

    def prepare(self, run: RunContext) -> None:
        pass

    def test(self, desired: Desired) -> None:
        pass

    def put(self, desired: Desired) -> TargetOutputs:
        return {}

    def delete(self, record: Record) -> None:
        pass

    def read(self, record: Record) -> RemoteView | None:
        raise TargetError("the local target has no remote side: the state is its registry", code="not-supported")

    def read_all(self) -> Iterator[RemoteView]:
        raise TargetError("the local target has no remote side: the state is its registry", code="not-supported")

    def own_secrets(self) -> tuple[str, ...]:
        return ()

    def close(self) -> None:
        pass


def from_settings(options: Mapping[str, Any], where: str) -> LocalTarget:
    """``target: local`` or ``target: {type: local}``: it takes no options."""
    if options:
        raise ConfigError(f"{where}: the local target takes no options, got: {', '.join(sorted(options))}",
                          hint="target: local", code="config-target")
    return LocalTarget()
