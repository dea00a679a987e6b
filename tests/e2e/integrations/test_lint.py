"""actionlint and the public JSON Schemas (check-jsonschema's built-in ones, offline) accept the action,
every example workflow and the GitLab CI template."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.support.cli import REPO_ROOT

BIN = Path(sys.executable).parent
ACTION_REF = "OWNER/provisioner@v1"  # how the examples name this repository's action
WORKFLOWS = sorted((REPO_ROOT / "examples" / "github").glob("*.yml"))
GITLAB = sorted((REPO_ROOT / "examples" / "gitlab").glob("*.yml"))


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN))
    assert found, f"{name} is not installed (pip install -e '.[test]')"
    return found


def run(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def action_inputs() -> dict[str, dict[str, str]]:
    inputs: dict[str, dict[str, str]] = YAML(typ="safe").load((REPO_ROOT / "action.yml").read_text())["inputs"]
    return inputs


def user_of_action(extra_input: str | None = None) -> str:
    """A workflow that uses the action locally (``uses: ./``) with every input and reads every output."""
    meta = YAML(typ="safe").load((REPO_ROOT / "action.yml").read_text())
    with_ = "".join(f"          {name}: x\n" for name in [*meta["inputs"], *([extra_input] if extra_input else [])])
    reads = " ".join(f"${{{{ steps.p.outputs.{name} }}}}" for name in meta["outputs"])
    return ("on: push\njobs:\n  use:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
            f"      - id: p\n        uses: ./\n        with:\n{with_}      - run: echo \"{reads}\"\n")


def scratch_repo(tmp_path: Path, user: str) -> Path:
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "action.yml", repo / "action.yml")
    for workflow in WORKFLOWS:
        shutil.copy(workflow, repo / ".github" / "workflows" / workflow.name)
    (repo / ".github" / "workflows" / "use-action.yml").write_text(user, encoding="utf-8")
    assert run("git", "init", "-q", cwd=repo).returncode == 0
    return repo


def test_examples_exist() -> None:
    assert {w.name for w in WORKFLOWS} >= {"plan.yml", "apply.yml", "drift.yml"}
    assert GITLAB


def test_actionlint_passes_on_the_action_and_every_example(tmp_path: Path) -> None:
    done = run(tool("actionlint"), cwd=scratch_repo(tmp_path, user_of_action()))
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_reads_the_action_metadata(tmp_path: Path) -> None:
    """The lint above can fail: an input the action does not declare is refused."""
    done = run(tool("actionlint"), cwd=scratch_repo(tmp_path, user_of_action("no-such-input")))
    assert done.returncode == 1 and 'input "no-such-input" is not defined' in done.stdout, done.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_examples_use_only_inputs_the_action_declares(workflow: Path) -> None:
    jobs = YAML(typ="safe").load(workflow.read_text())["jobs"]
    uses = [s for job in jobs.values() for s in job["steps"] if s.get("uses") == ACTION_REF]
    assert uses, f"{workflow.name} does not use the action"
    for step in uses:
        assert set(step.get("with", {})) <= set(action_inputs())


@pytest.mark.parametrize(("schema", "files"), [
    ("vendor.github-actions", [REPO_ROOT / "action.yml"]),
    ("vendor.github-workflows", WORKFLOWS),
    ("vendor.gitlab-ci", GITLAB),
])
def test_public_schemas_accept_them(schema: str, files: list[Path]) -> None:
    done = run(tool("check-jsonschema"), "--builtin-schema", schema, *map(str, files))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text((REPO_ROOT / "examples" / "github" / "plan.yml").read_text().replace("runs-on:", "runs_on:"))
    done = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(broken))
    assert done.returncode == 1
