"""``pre-commit try-repo`` of this repository in a scratch git repository: the hooks run for real (pre-commit
installs the package into its own environment), on what is staged.

try-repo reads a repository's committed state, so the hooks' repository is a fresh commit of this checkout's
files (``action_dir``: the working tree, without .git or .venv).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.e2e.integrations.conftest import commit_all, git
from tests.support.cli import REPO_ROOT
from tests.support.project import Project

PLAIN = Path(__file__).parent / "shop.plain.yaml"


@pytest.fixture(scope="session")
def hooks_repo(action_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("hooks") / "provisioner"
    shutil.copytree(action_dir, repo)
    commit_all(repo, "the hooks under test")
    return repo


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(project: Project, hooks_repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in project.env.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update({"PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never",
                "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")),
                "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
                "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com"})
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert pre_commit, "pre-commit is not installed (pip install -e '.[test]')"
    return subprocess.run([pre_commit, "try-repo", str(hooks_repo), "--color", "never"], cwd=project.root, env=env,
                          capture_output=True, text=True, timeout=900, check=False)


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.slow  # pre-commit installs the package into its own environment
def test_hooks_pass_a_valid_commit_and_refuse_plaintext_secrets_and_typos(
        tmp_path: Path, hooks_repo: Path, pre_commit_home: Path) -> None:
    project = Project.create(tmp_path)
    plain = PLAIN.read_text(encoding="utf-8")
    project.secrets |= {line.split(": ")[1] for line in plain.splitlines() if "CANARY" in line}
    project.encrypt("shop", plain)
    commit_all(project.root, "start")

    project.edit("shop", "displayName: Shop", "displayName: Shop (EU)")
    git(project.root, "add", "-A")
    done = try_repo(project, hooks_repo, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "provisioner validate" in done.stdout and "Passed" in done.stdout
    commit_all(project.root, "valid")

    leak = project.path("leak")
    leak.write_text(plain.replace("name: shop", "name: leak"), encoding="utf-8")
    git(project.root, "add", "-A")
    done = try_repo(project, hooks_repo, pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    secret_line = line_of(leak, "consumerSecret:")
    assert f"connections/leak.yaml:{secret_line}:" in done.stdout
    assert "refused: 3 secret field(s) in clear text" in done.stdout
    project.assert_no_secret(done.stdout, done.stderr)
    git(project.root, "rm", "-q", "--cached", "connections/leak.yaml")
    leak.unlink()

    project.edit("shop", "  displayName:", "  displayNmae:")
    git(project.root, "add", "-A")
    done = try_repo(project, hooks_repo, pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"connections/shop.yaml:{line_of(project.path('shop'), 'displayNmae')}:" in done.stdout
    assert "schema.unknown-field" in done.stdout or "unknown" in done.stdout
    project.assert_no_secret(done.stdout, done.stderr)


def test_manifest_and_example_config_are_valid_and_agree() -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert pre_commit
    manifest, config = REPO_ROOT / ".pre-commit-hooks.yaml", REPO_ROOT / "examples/pre-commit/.pre-commit-config.yaml"
    for command, path in (("validate-manifest", manifest), ("validate-config", config)):
        done = subprocess.run([pre_commit, command, str(path)], capture_output=True, text=True, check=False)
        assert done.returncode == 0 and "WARNING" not in done.stdout + done.stderr, done.stdout + done.stderr
    ids = {hook["id"] for hook in YAML(typ="safe").load(manifest.read_text())}
    [repo] = YAML(typ="safe").load(config.read_text())["repos"]
    assert {hook["id"] for hook in repo["hooks"]} == ids == {"provisioner-validate", "provisioner-no-plaintext-secrets"}
