"""``provisioner secrets edit FILE``: ``sops edit`` on the user's terminal, with the repository's key settings.

The sops child gets the terminal (stdin, stdout) and the editor's variables (EDITOR, VISUAL,
SOPS_EDITOR, TERM) on top of the allow-listed environment; the state key is never among them.
sops exits 200 when the file was not changed: that is "unchanged", not a failure.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from provisioner.commands.secrets_files import FileOutcome, SecretsResult, project_sops, sops_reason
from provisioner.config import ProjectConfig

EDITOR_VARIABLES = ("SOPS_EDITOR", "EDITOR", "VISUAL", "TERM", "COLORTERM", "LINES", "COLUMNS")
SOPS_UNCHANGED = 200  # sops: "File has not changed, exiting."


def editor_environment(source: Mapping[str, str] | None = None) -> dict[str, str]:
    env = os.environ if source is None else source
    return {name: env[name] for name in EDITOR_VARIABLES if env.get(name)}


def edit_secrets(config: ProjectConfig, file: Path) -> SecretsResult:
    path = file.resolve()
    result = SecretsResult("edit", config.root)
    before = path.read_bytes() if path.is_file() else None
    done = project_sops(config).run_attached(["edit", str(path)], cwd=config.root, extra_env=editor_environment())
    if done.returncode == SOPS_UNCHANGED or (done.returncode == 0 and before == _read(path)):
        result.files.append(FileOutcome(path, "unchanged", "no change: the file was left as it was"))
    elif done.returncode == 0:
        result.files.append(FileOutcome(path, "edited", "re-encrypted with the repository's recipients"))
    else:
        reason = sops_reason(done.returncode, done.stderr, path)
        result.files.append(FileOutcome(path, "failed", reason, done.returncode))
    return result


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None
