"""What plan, apply and test share: valid declarations, who is acting, and which commit."""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from provisioner.commands.validate import resolve_paths
from provisioner.config import ProjectConfig
from provisioner.declarations.loader import LoadResult, validate_paths
from provisioner.errors import InvalidInputError


def load_valid(config: ProjectConfig, paths: Sequence[Path] = ()) -> LoadResult:
    """Load and validate the declarations; any error stops here with every diagnostic."""
    loaded = validate_paths(resolve_paths(paths, config))
    if loaded.diagnostics.has_errors:
        raise InvalidInputError(loaded.diagnostics)
    return loaded


def actor() -> str:
    """Who is applying: ``user@host``, as history and records show it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid{os.getuid()}"
    return f"{user}@{socket.gethostname()}"


# What git may see of our environment: where it is and how to find the repository. Never the state
# key, the age key or any other secret the process holds (PROVISIONER_STATE_KEY, SOPS_AGE_KEY, tokens).
GIT_ENV_ALLOW = frozenset({
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "XDG_CONFIG_HOME", "SYSTEMROOT",
    "GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM", "GIT_OPTIONAL_LOCKS",
})


def git_environment(source: Mapping[str, str] | None = None) -> dict[str, str]:
    """The allow-listed subset of ``source`` (default: this process's environment) for a git child."""
    env = os.environ if source is None else source
    return {k: v for k, v in env.items() if k in GIT_ENV_ALLOW or k.startswith("LC_")}


def git_commit(root: Path) -> str | None:
    """The commit being applied: ``GITHUB_SHA`` / ``CI_COMMIT_SHA`` in CI, else ``git rev-parse HEAD``."""
    for var in ("GITHUB_SHA", "CI_COMMIT_SHA"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                             timeout=5, check=False, env=git_environment())
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None
