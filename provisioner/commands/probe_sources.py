"""Where ``provisioner test`` gets decrypted connections: the declarations (decrypted) or the state.

A state record keeps the resource's public document (apiVersion, kind, metadata, spec) without
its secret fields; ``Store.unseal`` gives the secret values by dotted path
(``spec.auth.accessToken``). Putting the two back together yields the same ``Connection`` model
that decrypted declarations give.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from provisioner.commands.state_open import open_project_store
from provisioner.commands.workspace import load_valid
from provisioner.config import ProjectConfig
from provisioner.declarations.models import Agent, Connection
from provisioner.errors import InvalidInputError, StateError
from provisioner.render.state import warn_tampered
from provisioner.secrets.resolve import decrypt_declarations
from provisioner.secrets.verify import project_sops
from provisioner.state import Store
from provisioner.state.records import Record


class Source(StrEnum):
    FILES = "files"
    STATE = "state"


def document_with_secrets(document: Mapping[str, Any], secrets: Mapping[str, str]) -> dict[str, Any]:
    """A deep copy of ``document`` with each secret put back at its dotted path."""
    result: dict[str, Any] = copy.deepcopy(dict(document))
    for path, value in secrets.items():
        *parents, leaf = path.split(".")
        node = result
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return result


def resource_from_record(record: Record, secrets: Mapping[str, str]) -> Connection | Agent:
    """The typed resource a record describes (its public document), its secrets put back from ``secrets``."""
    body = document_with_secrets(record.spec, secrets)
    model = Connection if record.kind == "Connection" else Agent
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})
        raise StateError(
            f"record {record.address} does not describe a valid {record.kind} (fields: {', '.join(fields)})",
            hint="re-apply it from the declarations",
        ) from None


def prefetched(store: Store, addresses: Sequence[str]) -> Callable[[str], dict[str, str]]:
    """``store.unseal`` for ``addresses``, all read at once (``Store.unseal_many``); another address is unsealed
    on its own. Raises what ``unseal`` would, when that address is asked for."""
    opened = store.unseal_many(addresses) if addresses else {}

    def unseal(address: str) -> dict[str, str]:
        found = opened.get(address)
        if found is None:
            return store.unseal(address)
        if isinstance(found, StateError):
            raise found
        return found

    return unseal


def connections_from_store(store: Store) -> tuple[list[Connection], list[Agent]]:
    connections: list[Connection] = []
    agents: list[Agent] = []
    snapshot = store.snapshot()
    warn_tampered(snapshot.workspace, snapshot.tampered)  # the others are still tested
    unseal = prefetched(store, [r.address for r in snapshot.records.values() if r.kind in ("Connection", "Agent")])
    for record in snapshot.records.values():
        if record.kind not in ("Connection", "Agent"):
            continue
        resource = resource_from_record(record, unseal(record.address))
        if isinstance(resource, Connection):
            connections.append(resource)
        else:
            agents.append(resource)
    return connections, agents


def connections_from_files(config: ProjectConfig, paths: Sequence[Path] = ()) -> tuple[list[Connection], list[Agent]]:
    """The declared connections and agents, validated and decrypted (every file once, in parallel)."""
    loaded = load_valid(config, paths)
    decrypted, diagnostics = decrypt_declarations(loaded.declarations, sops=project_sops(config))
    if diagnostics.has_errors:
        raise InvalidInputError(diagnostics, "cannot test: the secrets could not be decrypted")
    connections = [d.resource for d in decrypted if isinstance(d.resource, Connection)]
    agents = [d.resource for d in decrypted if isinstance(d.resource, Agent)]
    return connections, agents


def load_connections(
    source: Source, config: ProjectConfig, paths: Sequence[Path] = (), workspace: str | None = None
) -> tuple[list[Connection], list[Agent]]:
    """Decrypted connections and agents from the state or from the declaration files."""
    if source is Source.FILES:
        return connections_from_files(config, paths)
    with open_project_store(config, workspace) as store:
        return connections_from_store(store)
