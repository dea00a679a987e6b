"""Opening the project's state for a ``state`` command: URL and key from settings, workspace override."""

from __future__ import annotations

from provisioner.config import ProjectConfig
from provisioner.state import Store, load_state_key, open_store


def open_project_store(config: ProjectConfig, workspace: str | None = None) -> Store:
    return open_store(config.state_url, workspace=workspace or config.workspace, key=load_state_key(config))
