"""Where each declaration is written: address -> the line of its ``metadata.name`` (for CI annotations).

Loading is structural only (no key, no decryption), from the same paths and with the same shown file
names as ``validate`` (relative to the working directory, as GitHub annotations and GitLab reports need).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from provisioner.commands.validate import resolve_paths
from provisioner.config import ProjectConfig
from provisioner.declarations.loader import validate_paths
from provisioner.diagnostics import SourceRange


def declaration_locations(config: ProjectConfig | None, paths: Sequence[Path] = ()) -> dict[str, SourceRange]:
    loaded = validate_paths(resolve_paths(paths, config))
    return {d.address: d.positions.get("metadata.name", d.source) for d in loaded.declarations}
