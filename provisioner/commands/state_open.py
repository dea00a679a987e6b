"""Opening the project's state for a command: URL and key from settings, workspace override.

    with open_project_store(config, workspace) as store:               # read-only: creates nothing
    with open_project_store(config, workspace, create=True) as store:  # apply: creates state and workspace
    with open_project_store(config, workspace, missing_ok=True) as store:  # plan: empty before the first apply
"""

from __future__ import annotations

from provisioner.config import ProjectConfig
from provisioner.errors import StateError
from provisioner.state import Store, load_state_key, open_store
from provisioner.state.records import Snapshot


def open_project_store(config: ProjectConfig, workspace: str | None = None, *, create: bool = False,
                       missing_ok: bool = False) -> Store:
    """The project's store for ``workspace`` (default: the configured one), as a context manager."""
    return open_store(config.state_url, workspace=workspace or config.workspace, key=load_state_key(config),
                      create=create, missing_ok=missing_ok)


def resolve_address(snapshot: Snapshot, name: str) -> str:
    """A record's address from NAME (an address, or a name), among the sound and the tampered records."""
    if name in snapshot.records or name in snapshot.tampered:
        return name
    matches = sorted({a for a in (*snapshot.records, *snapshot.tampered) if a.split(".", 1)[-1] == name})
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise StateError(f"{name} names several records: {', '.join(matches)}",
                         hint="give the full address, e.g. connection.NAME")
    raise StateError(f"no record {name} in workspace {snapshot.workspace}", hint="see `provisioner state list`")
