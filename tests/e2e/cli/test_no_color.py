"""The real CLI on a terminal (a pty): NO_COLOR gives no escape code at all; without it, styles are there."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

from tests.support.cli import REPO_ROOT

ESCAPE = re.compile(rb"\x1b\[")


def _on_a_terminal(args: list[str], cwd, **env: str) -> bytes:
    leader, follower = pty.openpty()
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    child = subprocess.Popen([sys.executable, "-m", "provisioner", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=follower, stderr=follower,
                             env={**base, "PYTHONPATH": str(REPO_ROOT), "TERM": "xterm-256color", **env})
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        out += chunk
    child.wait(timeout=60)
    os.close(leader)
    return out


def test_no_color_on_a_terminal_means_no_escape_code(tmp_path):
    (tmp_path / "bad.yaml").write_text("apiVersion: provisioner/v1\nkind: Connection\nmetadata: {name: x}\n")
    styled = _on_a_terminal(["validate", "bad.yaml"], tmp_path)
    assert b"error" in styled and ESCAPE.search(styled)
    plain = _on_a_terminal(["validate", "bad.yaml"], tmp_path, NO_COLOR="1")
    assert b"error" in plain and not ESCAPE.search(plain), plain[:400]
