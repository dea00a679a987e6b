"""Installed as a user installs it: a wheel of this checkout, ``pipx install`` into a fresh HOME, then the first
day (init, secrets edit with an editor that is a script, validate --decrypt, plan, apply against the sandbox),
with no PATH or export step: sops comes with the package, keys and settings from what init wrote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from provisioner.sandbox import Sandbox
from tests.support.magento import Creds
from tests.support.project import connection_text

pytestmark = pytest.mark.slow
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"  # no virtualenv of this checkout, no sops


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)


def test_first_day_from_a_pipx_install(tmp_path: Path, built_wheel: Path, sandbox: Sandbox, creds: Creds) -> None:
    wheel = built_wheel
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": SYSTEM_PATH, "LANG": "C.UTF-8", "NO_COLOR": "1",
           "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))}
    pipx = shutil.which("pipx", path=str(Path(sys.executable).parent))
    assert pipx, "pipx is not installed (pip install -e '.[test]')"
    installed = run([pipx, "install", str(wheel)], tmp_path, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    provisioner = home / ".local" / "bin" / "provisioner"
    assert provisioner.exists(), installed.stdout
    if run([str(provisioner), "secrets", "--help"], tmp_path, env).returncode != 0:
        pytest.skip("provisioner secrets edit is not built on this branch yet (issue 13, i13core)")

    shop = tmp_path / "shop"
    shop.mkdir()
    done = run([str(provisioner), "init"], shop, env)
    assert done.returncode == 0, done.stdout + done.stderr
    example = shop / "connections" / "example.yaml"
    assert example.exists()

    plain = tmp_path / "plain.yaml"  # what the "editor" types in: real credentials (the sandbox's)
    plain.write_text(connection_text("example", sandbox.base_uri, creds), encoding="utf-8")
    editor = tmp_path / "editor"
    editor.write_text(f'#!/bin/sh\ncp "{plain}" "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    done = run([str(provisioner), "secrets", "edit", "connections/example.yaml"], shop, {**env, "EDITOR": str(editor)})
    assert done.returncode == 0, done.stdout + done.stderr
    text = example.read_text(encoding="utf-8")
    assert "ENC[AES256_GCM," in text and creds.consumer_secret not in text and sandbox.base_uri in text

    for argv in (["validate", "--decrypt"], ["plan", "--detailed-exitcode"], ["apply", "--auto-approve"]):
        done = run([str(provisioner), *argv], shop, env)
        expected = 2 if argv[0] == "plan" else 0
        assert done.returncode == expected, f"{argv}: {done.stdout}{done.stderr}"
        for secret in (creds.consumer_secret, creds.access_token, creds.token_secret):
            assert secret not in done.stdout + done.stderr
    done = run([str(provisioner), "plan", "--detailed-exitcode"], shop, env)
    assert done.returncode == 0 and "No changes." in done.stdout, done.stdout + done.stderr
