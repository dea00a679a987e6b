"""provisioner: config-as-code for integration connections."""

from __future__ import annotations

__version__ = "0.1.0"
