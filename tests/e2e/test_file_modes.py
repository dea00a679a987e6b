"""Issue 11 (11): files the tool writes have explicit modes, whatever the umask (under ``umask 000``
they were 0666). Plan files 0600; markdown, schemas and init's files 0644; written atomically."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioner.files import PRIVATE, PUBLIC, write_file
from tests.support.cli import run_cli
from tests.support.project import Project, summary
from tests.support.sops import isolated_env


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_000() -> Iterator[None]:
    saved = os.umask(0)  # children (the CLI runs) inherit it
    try:
        yield
    finally:
        os.umask(saved)


def test_plan_file_and_markdown_have_explicit_modes(tmp_path: Path, umask_000: None, creds) -> None:
    project = Project.create(tmp_path)
    project.write_connection("alpha", "https://shop.example.com/rest", creds)
    done = project.cli("plan", "--out", "plan.json", "--markdown", "plan.md")
    assert done.returncode in (0, 2), summary(done)
    assert _mode(project.root / "plan.json") == PRIVATE
    assert _mode(project.root / "plan.md") == PUBLIC
    assert not [p for p in project.root.iterdir() if p.name.endswith(".tmp")]


def test_schema_out_and_init_files_are_0644(tmp_path: Path, umask_000: None) -> None:
    done = run_cli(["schema", "--out", "schemas"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = sorted((tmp_path / "schemas").iterdir())
    assert written and all(_mode(p) == PUBLIC for p in written)
    home, shop = tmp_path / "home", tmp_path / "shop"
    done = run_cli(["init", str(shop)], env=isolated_env(home))
    assert done.returncode == 0, done.stderr
    files = [p for p in shop.rglob("*") if p.is_file()]
    assert files
    for p in files:
        assert _mode(p) == (PRIVATE if "key" in p.name else PUBLIC), (p, oct(_mode(p)))


@pytest.mark.parametrize("mode", [PRIVATE, PUBLIC])
def test_write_file_is_atomic_exact_and_exclusive_on_request(tmp_path: Path, umask_000: None, mode: int) -> None:
    target = tmp_path / "sub" / "f.txt"
    write_file(target, "one", mode=mode)
    assert target.read_text() == "one" and _mode(target) == mode
    target.chmod(0o666)
    write_file(target, b"two", mode=mode)
    assert target.read_text() == "two" and _mode(target) == mode
    with pytest.raises(FileExistsError):
        write_file(target, "three", mode=mode, exclusive=True)
    assert target.read_text() == "two"
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_file(link, "four", mode=mode)
    assert link.is_symlink() and target.read_text() == "four"
    assert sorted(p.name for p in target.parent.iterdir()) == ["f.txt"]
