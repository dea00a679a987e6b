"""Run action.yml's steps as the GitHub runner runs a composite action, on this machine.

Only what the runner does for this action, and nothing more (an unknown key or expression fails the run):
- each step is ``shell: bash``, run as ``bash --noprofile --norc -eo pipefail FILE`` with its ``run:`` text
  (https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepsshell);
- ``${{ inputs.NAME }}`` (the caller's ``with:`` or the input's default), ``${{ github.action_path }}``,
  ``${{ github.token }}`` and ``${{ steps.ID.outputs.NAME }}`` are substituted in ``env:``, ``run:``,
  ``working-directory:`` and the action's ``outputs.*.value``
  (https://docs.github.com/actions/reference/workflows-and-actions/metadata-syntax#runs-for-composite-actions);
- every step gets fresh ``GITHUB_OUTPUT`` and ``GITHUB_PATH`` files; ``name=value`` and ``name<<DELIM`` lines
  of the first become the step's outputs, lines of the second are prepended to ``PATH`` for the later steps
  (https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
STEP_KEYS = {"name", "id", "shell", "env", "run", "working-directory"}


@dataclass
class StepRun:
    id: str
    returncode: int
    stdout: str
    stderr: str


@dataclass
class ActionRun:
    outputs: dict[str, str]
    steps: list[StepRun] = field(default_factory=list)

    @property
    def returncode(self) -> int:
        return next((s.returncode for s in self.steps if s.returncode), 0)

    @property
    def stdout(self) -> str:
        return "".join(s.stdout for s in self.steps)

    @property
    def stderr(self) -> str:
        return "".join(s.stderr for s in self.steps)

    def text(self) -> str:
        return "\n".join(f"--- step {s.id}: exit {s.returncode}\n{s.stdout}\n{s.stderr}" for s in self.steps)


def read_file_commands(path: Path) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` … ``DELIMITER`` blocks."""
    values: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            values[name] = "\n".join(lines[i + 1:end])
            i = end + 1
        else:
            name, value = line.split("=", 1)
            values[name] = value
            i += 1
    return values


def run_action(action_dir: Path, workspace: Path, runner_temp: Path, env: Mapping[str, str],
               with_: Mapping[str, str], token: str) -> ActionRun:
    meta = YAML(typ="safe").load((action_dir / "action.yml").read_text(encoding="utf-8"))
    assert meta["runs"]["using"] == "composite"
    inputs = {name: str(spec.get("default", "")) for name, spec in meta.get("inputs", {}).items()}
    unknown = set(with_) - set(inputs)
    assert not unknown, f"not inputs of the action: {unknown}"
    step_outputs: dict[str, dict[str, str]] = {}

    def value(expression: str) -> str:
        if expression == "github.action_path":
            return str(action_dir)
        if expression == "github.token":
            return token
        if m := re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", expression):
            return substitute(with_.get(m[1], inputs[m[1]]))
        if m := re.fullmatch(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", expression):
            return step_outputs.get(m[1], {}).get(m[2], "")
        raise AssertionError(f"expression this runner does not evaluate: {expression!r}")

    def substitute(text: str) -> str:
        return EXPRESSION.sub(lambda m: value(m[1]), text)

    run = ActionRun(outputs={})
    path_prefix: list[str] = []
    runner_temp.mkdir(parents=True, exist_ok=True)
    for index, step in enumerate(meta["runs"]["steps"]):
        assert set(step) <= STEP_KEYS, f"step keys this runner does not run: {set(step) - STEP_KEYS}"
        assert step["shell"] == "bash"
        step_id = step.get("id", f"step{index}")
        script = runner_temp / f"step-{step_id}.sh"
        script.write_text(substitute(step["run"]), encoding="utf-8")
        output_file, path_file = runner_temp / f"output-{step_id}", runner_temp / f"path-{step_id}"
        for f in (output_file, path_file):
            f.write_text("", encoding="utf-8")
        step_env = {**env, "GITHUB_OUTPUT": str(output_file), "GITHUB_PATH": str(path_file),
                    "GITHUB_ACTION_PATH": str(action_dir), "RUNNER_TEMP": str(runner_temp),
                    "GITHUB_WORKSPACE": str(workspace)}
        step_env["PATH"] = os.pathsep.join([*path_prefix, env["PATH"]])
        step_env.update({k: substitute(str(v)) for k, v in (step.get("env") or {}).items()})
        cwd = workspace / substitute(step.get("working-directory", "."))
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd,
                              env=step_env, capture_output=True, text=True, timeout=600, check=False)
        run.steps.append(StepRun(step_id, done.returncode, done.stdout, done.stderr))
        step_outputs[step_id] = read_file_commands(output_file)
        path_prefix = [*reversed(path_file.read_text(encoding="utf-8").split()), *path_prefix]
        if done.returncode:
            break
    run.outputs = {name: substitute(spec["value"]) for name, spec in meta.get("outputs", {}).items()}
    return run
