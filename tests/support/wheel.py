"""One wheel of this checkout per test session, built once even when pytest-xdist runs several workers.

``built_wheel`` (session fixture; tests/conftest.py registers this module): ``pip wheel --no-deps`` of a
copy of the working tree (without .git, .venv and build leftovers, as ``REPO_ROOT`` is checked out). With
xdist the workers share the run's base temp directory; a file lock there lets the first worker build and
the others wait for it and take the same file.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import REPO_ROOT

IGNORED = shutil.ignore_patterns(".venv", ".git", "__pycache__", "build", "dist", "*.egg-info", ".mypy_cache",
                                 ".ruff_cache", ".pytest_cache", ".hypothesis", ".provisioner", ".demo", "*.agekey")


def shared_temp(factory: pytest.TempPathFactory) -> Path:
    """The run's temp directory that every xdist worker sees (the worker's own one without xdist)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_wheel(where: Path) -> Path:
    """The wheel in ``where/dist``, built from ``where/source`` unless a worker built it already."""
    where.mkdir(parents=True, exist_ok=True)
    with (where / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        found = sorted((where / "dist").glob("*.whl"))
        if found:
            return found[0]
        source = where / "source"
        shutil.rmtree(source, ignore_errors=True)  # a half copy of a worker that failed
        shutil.copytree(REPO_ROOT, source, ignore=IGNORED)
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                               str(where / "building"), str(source)],
                              capture_output=True, text=True, check=False, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        [wheel] = (where / "building").glob("*.whl")
        (where / "dist").mkdir()
        return wheel.rename(where / "dist" / wheel.name)  # whole or absent for the next worker


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout (``connection_provisioner-*.whl``), shared by the session's workers."""
    return build_wheel(shared_temp(tmp_path_factory) / "wheel")
