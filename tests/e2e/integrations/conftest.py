"""Fixtures for the CI integration tests: a copy of this repository as the action's checkout, the tool
installed from it once per session (as the action's install step does), scratch git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import REPO_ROOT
from tests.support.wheel import IGNORED


@pytest.fixture(scope="session")
def action_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The action's own checkout: this repository's files (what `uses: OWNER/REPO@REF` checks out)."""
    target = tmp_path_factory.mktemp("action") / "provisioner"
    shutil.copytree(REPO_ROOT, target, ignore=IGNORED)
    return target


@pytest.fixture(scope="session")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RUNNER_TEMP shared by the tests: the install step installs once, later runs find the tool there."""
    return tmp_path_factory.mktemp("runner-temp")


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
           "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com", "GIT_CONFIG_GLOBAL": "/dev/null"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit_all(cwd: Path, message: str) -> str:
    if not (cwd / ".git").exists():
        git(cwd, "init", "-q", "-b", "main")
    git(cwd, "add", "-A")
    git(cwd, "commit", "-q", "--allow-empty", "-m", message)
    return git(cwd, "rev-parse", "HEAD")
