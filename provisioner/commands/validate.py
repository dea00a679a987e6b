"""``provisioner validate``: every declaration file checked, every problem reported; nothing printed here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from provisioner.config import ProjectConfig, load_config
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.loader import validate_paths
from provisioner.diagnostics import Diagnostics

DEFAULT_DIRECTORY = "connections"


@dataclass(frozen=True)
class ValidateResult:
    paths: tuple[Path, ...]
    files: tuple[Path, ...]
    declarations: tuple[Declaration, ...]
    diagnostics: Diagnostics

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors


def _shown(path: Path, cwd: Path) -> Path:
    """Paths under the working directory are shown relative to it (GitHub annotations need that)."""
    try:
        return path.resolve().relative_to(cwd) if path.is_absolute() else path
    except ValueError:
        return path


def default_paths(config: ProjectConfig) -> tuple[Path, ...]:
    """``paths`` from provisioner.yaml, else ``connections/`` beside it (or in the working directory)."""
    return config.paths or (config.root / DEFAULT_DIRECTORY,)


def validate(paths: Sequence[Path] = (), *, config: ProjectConfig | None = None) -> ValidateResult:
    """Validate ``paths`` (default: the project's declaration paths) without decrypting anything."""
    cwd = Path.cwd().resolve()
    chosen = tuple(paths) or default_paths(config or load_config(cwd))
    chosen = tuple(_shown(p, cwd) for p in chosen)
    loaded = validate_paths(chosen)
    return ValidateResult(
        paths=chosen,
        files=tuple(loaded.files),
        declarations=tuple(loaded.declarations),
        diagnostics=loaded.diagnostics,
    )
