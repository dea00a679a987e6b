"""``provisioner secrets updatekeys|rotate [FILE...|--all]``: sops' own key commands over the project's files.

``updatekeys``: re-wrap each file's data key for the recipients ``.sops.yaml`` names now (after a
recipient was added or removed). ``rotate``: a new data key, every value re-encrypted (after a key
left the team). Both run non-interactively (``--yes`` / ``--in-place``), one sops process a file, and
report per file; a file is "unchanged" when sops left its bytes as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from provisioner.commands.secrets_files import (
    FileOutcome,
    SecretsResult,
    Status,
    chosen_files,
    project_sops,
    sops_reason,
)
from provisioner.config import ProjectConfig

_ARGS = {"updatekeys": ["updatekeys", "--yes"], "rotate": ["rotate", "--in-place"]}
_DONE: dict[str, Status] = {"updatekeys": "updated", "rotate": "rotated"}


def run_key_command(config: ProjectConfig, command: str, files: Sequence[Path] = (), *, every: bool = False,
                    ) -> SecretsResult:
    result = SecretsResult(command, config.root)
    chosen = chosen_files(config, files, every, command=command)
    if not chosen:
        result.notes.append("no encrypted file found in the project's paths")
    sops = project_sops(config)
    for path in chosen:
        before = path.read_bytes() if path.is_file() else None
        done = sops.run([*_ARGS[command], str(path)], cwd=config.root)
        if done.returncode != 0:
            reason = sops_reason(done.returncode, done.stderr, path)
            result.files.append(FileOutcome(path, "failed", reason, done.returncode))
        elif before == path.read_bytes():
            result.files.append(FileOutcome(path, "unchanged", "already encrypted for these recipients"))
        else:
            result.files.append(FileOutcome(path, _DONE[command]))
    return result
