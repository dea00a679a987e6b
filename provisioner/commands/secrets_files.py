"""What the ``provisioner secrets`` commands share: the project's sops, the files they act on, their outcomes.

Every command runs the bundled sops (``secrets.sops.Sops``) from the project root, so sops finds the
repository's ``.sops.yaml``, with the project's key settings (``secrets.ageKeyFile`` as the fallback
when no SOPS_AGE_* variable is set) and the allow-listed environment: no PATH entry, no export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from provisioner.config import ProjectConfig
from provisioner.declarations.discovery import discover_files
from provisioner.diagnostics import Diagnostics
from provisioner.errors import ConfigError
from provisioner.secrets.sops import Sops

Status = Literal["edited", "unchanged", "updated", "rotated", "encrypted", "failed"]
SOPS_METADATA = "\nsops:\n"
# sops exit codes and what they mean here (docs/secrets.md); anything else shows sops' first line, scrubbed.
SOPS_REASONS = {
    128: "sops found no age key for this file's recipients",
    51: "the file's MAC does not match: it was changed without sops",
    25: "a value's ciphertext does not authenticate: it was changed by hand",
    100: "no such file",
    203: "the file holds a top-level `sops` entry but is not a sops file",
}


@dataclass(frozen=True)
class FileOutcome:
    path: Path
    status: Status
    message: str = ""  # never a value: built here, or sops' first stderr line scrubbed
    exit_code: int = 0


@dataclass
class SecretsResult:
    command: str
    root: Path
    files: list[FileOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.status != "failed" for f in self.files)


def project_sops(config: ProjectConfig) -> Sops:
    return Sops(age_key_file=config.age_key_file)


def is_encrypted(path: Path) -> bool:
    try:
        return SOPS_METADATA in "\n" + path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def chosen_files(config: ProjectConfig, files: Sequence[Path], every: bool, *, command: str) -> list[Path]:
    """``files`` (resolved) or, with ``--all``, every encrypted declaration file of the project's paths."""
    if every and files:
        raise ConfigError(f"secrets {command}: give FILE... or --all, not both", code="usage")
    if not every:
        if not files:
            raise ConfigError(f"secrets {command}: give FILE... or --all", code="usage",
                              hint=f"provisioner secrets {command} connections/shop.yaml")
        return [f.resolve() for f in files]
    found = discover_files(list(config.paths) or [config.root / "connections"], Diagnostics(), root=config.root)
    return [f for f in found if is_encrypted(f)]
