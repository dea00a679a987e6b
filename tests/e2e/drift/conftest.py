"""Fixtures for the drift tests: a project on SQLite and on PostgreSQL, a sops that must never run."""

from __future__ import annotations

import pytest

from tests.support.project import Project


@pytest.fixture(params=["sqlite", "postgresql"])
def project(request: pytest.FixtureRequest, tmp_path) -> Project:
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    return Project.create(tmp_path, state_url=url)


@pytest.fixture
def no_sops_key(tmp_path) -> dict[str, str]:
    """The environment of a scheduled job that holds the state key only: no age key, and a sops that fails loudly."""
    marker = tmp_path / "sops-was-called"
    fake = tmp_path / "sops-must-not-run"
    fake.write_text(f"#!/bin/sh\necho called >> '{marker}'\necho 'sops must not be called by drift' >&2\nexit 99\n")
    fake.chmod(0o755)
    return {"SOPS_AGE_KEY_FILE": str(tmp_path / "no-such-age-key"), "SOPS_BIN": str(fake),
            "DRIFT_TEST_SOPS_MARKER": str(marker)}
