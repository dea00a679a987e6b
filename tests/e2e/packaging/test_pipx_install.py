"""From a wheel installed with pipx into a fresh HOME: init --sandbox, secrets edit (EDITOR a script),
validate --decrypt, plan, apply against the sandbox — no PATH entry for sops, no export.

Long mode (PROVISIONER_LONG=1): it builds the wheel and lets pipx install its dependencies (about a minute).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PIPX = shutil.which("pipx") or str(Path(sys.executable).parent / "pipx")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("PROVISIONER_LONG") != "1", reason="long mode: PROVISIONER_LONG=1"),
]


def _run(argv: list[str], env: dict[str, str], cwd: Path | None = None, timeout: float = 600,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def test_a_pipx_install_goes_from_init_to_apply_with_no_path_or_export(tmp_path):
    assert Path(PIPX).exists(), "pipx is in the test extras"
    dist = tmp_path / "dist"
    built = _run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(dist)],
                 dict(os.environ))
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("connection_provisioner-*.whl")
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "NO_COLOR": "1",
           "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin")}
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"):
        if name in os.environ:
            env[name] = os.environ[name]
    installed = _run([PIPX, "install", str(wheel)], env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    tool = str(tmp_path / "bin" / "provisioner")
    assert shutil.which("sops", path=env["PATH"]) is None  # nothing on PATH: the bundled sops is used

    project = tmp_path / "shop"
    init = _run([tool, "init", str(project), "--sandbox", "--format", "json"], env)
    assert init.returncode == 0, init.stdout + init.stderr
    command = shlex.split(json.loads(init.stdout)["sandbox_command"])
    sandbox = subprocess.Popen([tool, *command[1:]], cwd=project, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        assert sandbox.stdout is not None
        assert any(line.startswith("ready:") for line in sandbox.stdout), "the sandbox did not start"
        editor = tmp_path / "editor.sh"
        editor.write_text("#!/bin/sh\nsed -i 's/displayName: .*/displayName: Edited in pipx/' \"$1\"\n")
        editor.chmod(0o755)
        edit = _run([tool, "secrets", "edit", "connections/example.yaml"], {**env, "EDITOR": str(editor)}, project)
        assert edit.returncode == 0 and "edited" in edit.stdout, edit.stdout + edit.stderr
        assert "displayName: Edited in pipx" in (project / "connections" / "example.yaml").read_text()
        for step, code in ((["validate", "--decrypt"], 0), (["plan", "--detailed-exitcode"], 2),
                           (["apply", "--auto-approve"], 0), (["plan", "--detailed-exitcode"], 0)):
            done = _run([tool, *step], env, project)
            assert done.returncode == code, (step, done.stdout, done.stderr)
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
        if sandbox.stdout:
            sandbox.stdout.close()
