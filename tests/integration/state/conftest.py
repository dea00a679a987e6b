"""The conformance suite runs every test against both backends: ``state_url`` is parametrised."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioner.state import Store, open_store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'state.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def store(state_url: str, key: bytes) -> Iterator[Store]:
    with open_store(state_url, workspace="default", key=key, create=True) as opened:
        yield opened
