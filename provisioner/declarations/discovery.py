"""Which files are declarations: YAML files under the given paths, never through a link out of the project.

A symbolic link (to a file or a directory) is followed only when it resolves inside the project
root; any other link is reported by name, and nothing is read from its target. Directories that
cannot be listed are reported too: a missing declaration must never look like a deleted one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from provisioner.config import find_config_file
from provisioner.diagnostics import Diagnostics, SourceRange

YAML_SUFFIXES = (".yaml", ".yml")
# Files that live beside declarations but are not declarations.
SKIPPED_NAMES = frozenset({".sops.yaml", ".sops.yml", "provisioner.yaml", "provisioner.yml"})


def project_root(start: Path | None = None) -> Path:
    """The directory of provisioner.yaml (searched upwards from ``start``), else ``start`` (the cwd)."""
    here = (start or Path.cwd()).resolve()
    found = find_config_file(here)
    return found.parent.resolve() if found else here


def _target(link: Path, root: Path, diagnostics: Diagnostics) -> Path | None:
    """Where an inside-the-root link leads; ``None`` (and a diagnostic) for any other link."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        diagnostics.error(
            "load.broken-link", f"{link} is a symbolic link that leads nowhere (or loops); not read",
            hint="remove the link, or point it at a declaration inside the project", source=SourceRange(str(link)),
        )
        return None
    if not target.is_relative_to(root):
        diagnostics.error(
            "load.link-outside-project", f"{link} is a symbolic link to outside the project; not read",
            hint=f"declarations must live inside the project ({root}); copy the file in instead of linking it",
            source=SourceRange(str(link)),
        )
        return None
    return target


class _Walker:
    def __init__(self, root: Path, diagnostics: Diagnostics) -> None:
        self.root, self.diagnostics = root, diagnostics
        self.seen_dirs: set[Path] = set()
        self.found: list[Path] = []

    def directory(self, path: Path) -> None:
        real = path.resolve()
        if real in self.seen_dirs:
            return
        self.seen_dirs.add(real)
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.diagnostics.error(
                "load.unreadable-dir", f"cannot list the directory {path}: {exc.strerror or exc}",
                hint="make it readable (its declarations would otherwise look deleted), or move it out of the paths",
                source=SourceRange(str(path)),
            )
            return
        for entry in entries:
            self.entry(Path(entry.path), top=False)

    def entry(self, path: Path, *, top: bool) -> None:
        is_yaml = top or (path.suffix in YAML_SUFFIXES and path.name not in SKIPPED_NAMES)
        if path.is_symlink():
            if not is_yaml and not path.is_dir():
                return  # a link to something that is not a declaration: never looked at
            if self._inside(path) is None:
                return
        if path.is_dir():
            self.directory(path)
        elif is_yaml and (path.is_file() or top):
            self.found.append(path)

    def _inside(self, link: Path) -> Path | None:
        return _target(link, self.root, self.diagnostics)


def discover_files(paths: Sequence[Path], diagnostics: Diagnostics, *, root: Path | None = None) -> list[Path]:
    """The declaration files under ``paths`` (files as given, directories recursed), without repeats.

    ``root`` is the project root (default: ``project_root()``); links leaving it are not followed.
    """
    walker = _Walker((root or project_root()).resolve(), diagnostics)
    for path in paths:
        if not path.is_symlink() and not path.exists():
            diagnostics.error(
                "load.not-found", f"no such file or directory: {path}",
                hint="pass existing files or directories, or set `paths` in provisioner.yaml",
                source=SourceRange(str(path)),
            )
            continue
        before = len(walker.found)
        walker.entry(path, top=True)
        walker.found[before:] = sorted(walker.found[before:])
    unique: dict[Path, None] = {}
    for p in walker.found:
        unique.setdefault(p, None)
    return list(unique)
