"""State: the ``Store`` protocol, its SQLite and PostgreSQL implementations, leases and history.

Open one with ``open_store(url, workspace=..., key=load_state_key(config))``.
"""

from __future__ import annotations

from provisioner.state.factory import open_store
from provisioner.state.state_key import load_state_key
from provisioner.state.store import Store

__all__ = ["Store", "load_state_key", "open_store"]
