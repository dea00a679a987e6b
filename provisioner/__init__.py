"""provisioner: config-as-code for integration connections.

The public Python API is ``provisioner.open_connection(name)`` (docs/api.md). It is imported on first
use, so ``import provisioner`` stays cheap (the CLI and the tests import the package constantly).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from provisioner.api import ConnectionSession, open_connection

__all__ = ["ConnectionSession", "__version__", "open_connection"]


def __getattr__(name: str) -> Any:
    if name in ("open_connection", "ConnectionSession"):
        from provisioner import api  # noqa: PLC0415 - lazily: requests and the state load only when used

        return getattr(api, name)
    raise AttributeError(f"module 'provisioner' has no attribute {name!r}")
