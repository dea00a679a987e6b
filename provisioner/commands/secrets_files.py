"""What the ``provisioner secrets`` commands share: the project's sops, the files they act on, their outcomes.

Every command runs the bundled sops (``secrets.sops.Sops``) from the project root, so sops finds the
repository's ``.sops.yaml``, with the project's key settings (``secrets.ageKeyFile`` as the fallback
when no SOPS_AGE_* variable is set) and the allow-listed environment: no PATH entry, no export.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from provisioner.config import ProjectConfig
from provisioner.declarations.discovery import discover_files
from provisioner.diagnostics import Diagnostics
from provisioner.errors import ConfigError
from provisioner.secrets.scrub import first_line
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
# sops quotes a value it cannot decrypt ("Input string VALUE does not match sops' data format"): that value
# is a secret set in clear, so the message is replaced, never shown.
_QUOTED_VALUE = re.compile(r"Input string .* does not match sops' data format", re.DOTALL)


def sops_reason(returncode: int, stderr: str, path: Path) -> str:
    """Why sops failed on ``path``, from its exit code, or its first stderr line — never a value it quoted."""
    if _QUOTED_VALUE.search(stderr):
        return f"a secret field holds a value in clear: provisioner secrets encrypt {shlex.quote(str(path))}"
    return SOPS_REASONS.get(returncode) or first_line(_QUOTED_VALUE.sub("(a value)", stderr))


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
