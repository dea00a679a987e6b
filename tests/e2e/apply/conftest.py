"""The crash tests' project (tests/e2e/apply/crash.py): one per test module, its sandbox with latency."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from provisioner.sandbox import SandboxConfig, running_sandbox
from tests.e2e.apply.crash import CONNECTIONS, LATENCY_MS
from tests.support.crash_project import CrashProject, make_project
from tests.support.magento import Creds
from tests.support.sops import make_age_key


@pytest.fixture(scope="module")
def crash_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrashProject]:
    creds = Creds.fresh()
    root = tmp_path_factory.mktemp("crash")
    with running_sandbox(SandboxConfig((creds.integration(),), latency_ms=LATENCY_MS)) as sandbox:
        yield make_project(root / "shop", make_age_key(root / "keys"), sandbox.base_uri, creds, CONNECTIONS)
