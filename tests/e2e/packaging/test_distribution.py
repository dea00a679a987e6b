"""The install name nobody else owns: `connection-provisioner`, its LICENSE shipped in the wheel."""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DIST = "connection-provisioner"
# "provisioner" on PyPI is an unrelated project: a recipe that installs it is a dependency-confusion trap.
WRONG_RECIPE = re.compile(r"\b(pip|pipx|uv pip|uv tool)\s+install\s+(-[-\w]+\s+)*provisioner(\b(?!-)|==)")


def test_the_distribution_is_named_connection_provisioner_and_the_command_stays_provisioner() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DIST
    assert project["scripts"] == {"provisioner": "provisioner.cli.app:main"}
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]


def test_the_license_file_is_the_apache_2_text() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_no_recipe_installs_the_unrelated_provisioner_package() -> None:
    offenders = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "examples").rglob("*"))]:
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if WRONG_RECIPE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_wrong_recipe_pattern_catches_what_it_must() -> None:
    assert WRONG_RECIPE.search("pip install provisioner")
    assert WRONG_RECIPE.search("pipx install provisioner==0.1.0")
    assert WRONG_RECIPE.search("pip install -q provisioner")
    assert not WRONG_RECIPE.search("pip install connection-provisioner")
    assert not WRONG_RECIPE.search("pipx install connection-provisioner==0.1.0")
    assert not WRONG_RECIPE.search("pip install provisioner-tools")


@pytest.mark.slow
def test_the_wheel_carries_the_license_and_the_new_name(built_wheel: Path) -> None:
    wheel = built_wheel  # pip wheel of this checkout (tests/support/wheel.py)
    assert wheel.name.startswith("connection_provisioner-")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        license_names = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert license_names, names
        assert archive.read(license_names[0]) == (ROOT / "LICENSE").read_bytes()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Name: connection-provisioner" in metadata
    assert "License-Expression: Apache-2.0" in metadata
    assert any(n.startswith("provisioner/") for n in names)
