"""Opening the project's state for a command: URL and key from settings, workspace override.

    with open_project_store(config, workspace) as store:               # read-only: creates nothing
    with open_project_store(config, workspace, create=True) as store:  # apply: creates state and workspace
    with open_project_store(config, workspace, missing_ok=True) as store:  # plan: empty before the first apply
"""

from __future__ import annotations

from provisioner.config import ProjectConfig
from provisioner.state import Store, load_state_key, open_store


def open_project_store(config: ProjectConfig, workspace: str | None = None, *, create: bool = False,
                       missing_ok: bool = False) -> Store:
    """The project's store for ``workspace`` (default: the configured one), as a context manager."""
    return open_store(config.state_url, workspace=workspace or config.workspace, key=load_state_key(config),
                      create=create, missing_ok=missing_ok)
