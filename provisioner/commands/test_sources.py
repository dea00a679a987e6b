"""Where ``provisioner test`` gets decrypted connections: the state store, or (later) the declarations.

A state record keeps the connection's ``spec`` without its secret fields; ``Store.unseal``
gives the secret values by dotted path (``spec.auth.accessToken``). Putting the two back
together yields the same ``Connection`` model that decrypted declarations give.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from provisioner.config import ProjectConfig
from provisioner.declarations.models import API_VERSION, Agent, Connection
from provisioner.errors import ConfigError, StateError
from provisioner.state import Store, load_state_key, open_store
from provisioner.state.records import Record


class Source(StrEnum):
    FILES = "files"
    STATE = "state"


def _with_secrets(spec: Mapping[str, Any], secrets: Mapping[str, str]) -> dict[str, Any]:
    document: dict[str, Any] = {"spec": copy.deepcopy(dict(spec))}
    for path, value in secrets.items():
        *parents, leaf = path.split(".")
        node = document
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return dict(document["spec"])


def resource_from_record(record: Record, secrets: Mapping[str, str]) -> Connection | Agent:
    """The typed resource a record describes, its secrets put back from ``secrets``."""
    body = {
        "apiVersion": API_VERSION, "kind": record.kind, "metadata": {"name": record.name},
        "spec": _with_secrets(record.spec, secrets),
    }
    model = Connection if record.kind == "Connection" else Agent
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})
        raise StateError(
            f"record {record.address} does not describe a valid {record.kind} (fields: {', '.join(fields)})",
            hint="re-apply it from the declarations",
        ) from None


def connections_from_store(store: Store) -> tuple[list[Connection], list[Agent]]:
    connections: list[Connection] = []
    agents: list[Agent] = []
    for record in store.snapshot().records.values():
        if record.kind not in ("Connection", "Agent"):
            continue
        resource = resource_from_record(record, store.unseal(record.address))
        if isinstance(resource, Connection):
            connections.append(resource)
        else:
            agents.append(resource)
    return connections, agents


def load_connections(
    source: Source, config: ProjectConfig, paths: Sequence[Path] = (), workspace: str | None = None
) -> tuple[list[Connection], list[Agent]]:
    """Decrypted connections and agents from the state (wired) or from declaration files (waits for sops)."""
    if source is Source.STATE:
        store = open_store(config.state_url, workspace=workspace or config.workspace, key=load_state_key(config))
        try:
            return connections_from_store(store)
        finally:
            store.close()
    raise ConfigError(
        "testing from files needs sops decryption of the declarations, which is not in this build yet",
        hint="test what was applied with --from state, or use provisioner.commands.test.run_connection_tests",
    )
