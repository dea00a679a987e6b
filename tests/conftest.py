"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.support.cli import run_cli

# Shared fixtures from support modules: postgres_server (session) and postgres_url (a fresh database).
pytest_plugins = ["tests.support.postgres"]


@pytest.fixture
def cli() -> Callable[..., CompletedProcess[str]]:
    """Run ``provisioner ARGS`` as a child process: ``cli(["validate", path], cwd=tmp_path)``."""
    return run_cli


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
