"""State: the ``Store`` protocol, its SQLite and PostgreSQL implementations, leases and history.

Open one with ``with open_store(url, workspace=..., key=load_state_key(config)) as store:``
(``create=True`` only where the state may be created: apply).
"""

from __future__ import annotations

from provisioner.state.factory import open_store
from provisioner.state.state_key import load_state_key
from provisioner.state.store import Store

__all__ = ["Store", "load_state_key", "open_store"]
