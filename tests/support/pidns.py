"""Running a child in a new PID namespace (``unshare --pid --fork --mount-proc``, as root): a container's view.

``in_new_pid_namespace(argv)`` starts ``argv`` there with a pid that does not exist in this namespace
(it sets ``ns_last_pid`` inside first), so "is that pid alive here?" is the wrong question to ask.
``unshare_refusal()`` says why it cannot run here (then tests skip with that reason).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

_PID_MAX = int(Path("/proc/sys/kernel/pid_max").read_text().strip())


def free_pid() -> int:
    """A pid no process has in this namespace (the child will get it in its own)."""
    for pid in range(_PID_MAX - 100, 1000, -97):
        if not Path(f"/proc/{pid}").exists():
            return pid
    raise RuntimeError("no free pid")


def unshare_refusal() -> str | None:
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed"
    if os.geteuid() != 0:
        return "a new PID namespace needs root (unshare --pid)"
    done = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "true"], capture_output=True, text=True,
                          check=False, timeout=30)
    if done.returncode != 0:
        return f"unshare --pid was refused here: {done.stderr.strip() or done.returncode}"
    return None


def in_new_pid_namespace(argv: Sequence[str], *, pid: int, env: Mapping[str, str] | None = None,
                         cwd: Path | None = None, stdin: int | None = None) -> subprocess.Popen[str]:
    """``argv`` in a fresh PID namespace, as pid ``pid`` there (its own session: kill it with its group)."""
    script = (f"echo {pid - 1} > /proc/sys/kernel/ns_last_pid && {shlex.join(argv)}; "
              "status=$?; exit $status")
    return subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", script],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(env or os.environ),
                            cwd=cwd, stdin=stdin, start_new_session=True)
