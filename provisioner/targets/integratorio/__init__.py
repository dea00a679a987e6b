"""The ``integratorio`` target: provisions connections into Celigo integrator.io (docs/targets/integratorio.md).

The target module is imported when one is built: provisioner.config imports the registry, and the
target needs the declarations, which import the config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from provisioner.targets.integratorio.config import NAME, parse_settings

if TYPE_CHECKING:
    from provisioner.targets.integratorio.target import IntegratorioTarget

__all__ = ["NAME", "from_settings"]


def from_settings(options: Mapping[str, Any], where: str) -> IntegratorioTarget:
    """Reads the settings only; the API token is checked in ``prepare`` (or the first call)."""
    from provisioner.targets.integratorio.target import IntegratorioTarget  # noqa: PLC0415 - see the docstring

    return IntegratorioTarget(parse_settings(options, where))
