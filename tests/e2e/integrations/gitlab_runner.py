"""Run a job of a GitLab CI file's ``before_script`` + ``script`` as the shell executor does (bash, one shell,
``set -eo pipefail``: https://docs.gitlab.com/runner/shells/), with ``extends:`` merged and the file's
``variables:`` under the CI/CD variables the test passes (those win, as in GitLab:
https://docs.gitlab.com/ci/variables/#cicd-variable-precedence)."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


def job(ci: Mapping[str, Any], name: str) -> dict[str, Any]:
    spec = dict(ci[name])
    parent = spec.pop("extends", None)
    return {**job(ci, parent), **spec} if parent else spec


def run_job(ci_file: Path, name: str, cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    ci = load(ci_file)
    spec = job(ci, name)
    lines = [*spec.get("before_script", ()), *spec["script"]]
    job_env = {**{k: str(v) for k, v in (ci.get("variables") or {}).items()},
               **{k: str(v) for k, v in (spec.get("variables") or {}).items()}, **env}
    script = "set -eo pipefail\n" + "\n".join(lines) + "\n"
    return subprocess.run(["bash", "--noprofile", "--norc", "-c", script], cwd=cwd, env=job_env,
                          capture_output=True, text=True, timeout=600, check=False)
