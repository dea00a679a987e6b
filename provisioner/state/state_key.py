"""Where the state key comes from: ``PROVISIONER_STATE_KEY`` (base64), else the configured key file."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from provisioner.config import ENV_STATE_KEY, ENV_STATE_KEY_FILE, ProjectConfig
from provisioner.errors import ConfigError
from provisioner.secrets.keys import KEYGEN_HINT, decode_state_key, read_key_file
from provisioner.state.urls import sqlite_path


def load_state_key(config: ProjectConfig) -> bytes:
    """The 32-byte state key. A key file inside the SQLite state's own directory is refused:
    the key must never sit beside the state it protects."""
    env_value = os.environ.get(ENV_STATE_KEY)
    if env_value:
        return decode_state_key(env_value, source=ENV_STATE_KEY)
    path = config.state_key_file
    if path is None:
        raise ConfigError(
            "no state key: set PROVISIONER_STATE_KEY (base64 of 32 bytes) or a key file",
            hint=f"{ENV_STATE_KEY_FILE}=PATH or state.keyFile in provisioner.yaml; {KEYGEN_HINT}",
            code="state-key-missing",
        )
    resolved = path.expanduser().resolve()
    db = sqlite_path(config.state_url)
    if db is not None and (resolved.parent == db.parent or db.parent in resolved.parents):
        raise ConfigError(
            f"the state key file {path} is inside the state's directory {db.parent}",
            hint="keep the key away from the state (e.g. ~/.config/provisioner/state.key or a CI secret)",
            code="state-key-beside-state",
        )
    warn_about_key_file(resolved, config.root)
    return read_key_file(resolved)


def _repository_root(start: Path) -> Path:
    """The git work tree holding ``start`` (the nearest parent with ``.git``), else ``start`` itself."""
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


def key_file_warnings(path: Path, project_root: Path) -> list[str]:
    """Why a state key file is at risk (never an error: the key is still used)."""
    found = []
    repo = _repository_root(project_root.resolve())
    if path == repo or repo in path.parents:
        found.append(f"the state key file {path} is inside the repository {repo}: never commit it "
                     "(keep it in ~/.config/provisioner/ or a CI secret)")
    try:
        mode = path.stat().st_mode
    except OSError:
        return found
    if mode & 0o077:
        found.append(f"the state key file {path} is readable by group or others (mode {stat.S_IMODE(mode):04o}): "
                     f"chmod 600 {path}")
    return found


def warn_about_key_file(path: Path, project_root: Path) -> None:
    for text in key_file_warnings(path, project_root):
        print(f"warning: {text}", file=sys.stderr)
