"""A local Magento 2 REST stand-in that verifies OAuth 1.0 signatures server-side.

Used by the tests, the benchmarks, the demo and users' CI: ``provisioner sandbox`` or
``running_sandbox(SandboxConfig(...))``. See docs/sandbox.md.
"""

from __future__ import annotations

from provisioner.sandbox.front import Front
from provisioner.sandbox.integrations import Faults, Integration, IntegrationsFile, load_integrations
from provisioner.sandbox.magento import MagentoVersion
from provisioner.sandbox.server import Sandbox, SandboxConfig, running_sandbox

__all__ = [
    "Faults",
    "Front",
    "Integration",
    "IntegrationsFile",
    "MagentoVersion",
    "Sandbox",
    "SandboxConfig",
    "load_integrations",
    "running_sandbox",
]
