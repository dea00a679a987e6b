"""Fixtures: a running sandbox (real HTTP on loopback) and a session pool."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from provisioner.probe import SessionPool
from provisioner.sandbox import MagentoVersion, Sandbox, SandboxConfig, running_sandbox
from tests.support.magento import Creds


@pytest.fixture(scope="module")
def creds() -> Creds:
    return Creds.fresh()


@pytest.fixture(scope="module")
def sandbox(creds: Creds) -> Iterator[Sandbox]:
    """Magento 'any' (all seven methods), one integration with every resource, bearer allowed."""
    config = SandboxConfig(integrations=(creds.integration(allow_bearer=True),), magento=MagentoVersion.ANY)
    with running_sandbox(config) as sb:
        yield sb


@pytest.fixture
def pool() -> Iterator[SessionPool]:
    with SessionPool() as p:
        yield p
