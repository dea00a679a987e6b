"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from hypothesis import settings

from provisioner.secrets.sops import Sops
from tests.support.cli import run_cli
from tests.support.sops import AgeKey, isolated_env, make_age_key, write_encrypted

# CI runs the property tests with a fixed seed: a submission's CI verdict must not depend on the
# draw. Locally (no CI variable) every run explores new examples, which is where new bugs are found.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Shared fixtures from support modules: postgres_server (session) and postgres_url (a fresh database);
# built_wheel (one wheel of this checkout per session, shared by the xdist workers).
pytest_plugins = ["tests.support.postgres", "tests.support.wheel"]


@pytest.fixture
def cli() -> Callable[..., CompletedProcess[str]]:
    """Run ``provisioner ARGS`` as a child process: ``cli(["validate", path], cwd=tmp_path)``."""
    return run_cli


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


# --- sops and age (tests/support/sops.py) -------------------------------------------------

@pytest.fixture
def age_key(tmp_path: Path) -> AgeKey:
    """A fresh age identity in a 0600 key file outside the test's project directory."""
    return make_age_key(tmp_path / "keys")


@pytest.fixture
def sops_env(tmp_path: Path, age_key: AgeKey) -> dict[str, str]:
    """Environment with SOPS_AGE_KEY_FILE=age_key and an empty HOME (no stray keys)."""
    return isolated_env(tmp_path / "home", {"SOPS_AGE_KEY_FILE": str(age_key.path)})


@pytest.fixture
def sops(sops_env: dict[str, str]) -> Sops:
    return Sops(environ=sops_env)


@pytest.fixture
def encrypt_file(age_key: AgeKey, sops: Sops) -> Callable[..., Path]:
    """``encrypt_file(path, plaintext_yaml, mac_only=True)``: a SOPS file for ``age_key``."""

    def encrypt(path: Path, plaintext: str, *, mac_only: bool = True) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_encrypted(path, plaintext, age_key.recipient, mac_only=mac_only, sops=sops)

    return encrypt
