"""Fixtures for the plan/apply end-to-end tests: canary credentials and a sandbox that knows them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from provisioner.sandbox import MagentoVersion, Sandbox, SandboxConfig, running_sandbox
from tests.support.magento import Creds


@pytest.fixture
def creds() -> Creds:
    """Fresh credentials whose secret values start with CANARY, so a leak is easy to find."""
    return Creds.fresh("CANARY")


@pytest.fixture
def sandbox(creds: Creds) -> Iterator[Sandbox]:
    """A Magento 2.4.4 sandbox on loopback that accepts ``creds``."""
    with running_sandbox(SandboxConfig((creds.integration(),), magento=MagentoVersion.V2_4_4)) as sb:
        yield sb
