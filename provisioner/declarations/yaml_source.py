"""Reading declaration files: which files, and their YAML documents with every node's position.

Malformed YAML, duplicate keys and unreadable files become diagnostics, never exceptions:
the documents read before a syntax error are kept, and the other files are still read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from provisioner.diagnostics import Diagnostics, SourceRange

YAML_SUFFIXES = (".yaml", ".yml")
# Files that live beside declarations but are not declarations.
SKIPPED_NAMES = frozenset({".sops.yaml", ".sops.yml", "provisioner.yaml", "provisioner.yml"})


@dataclass(frozen=True)
class SourceDocument:
    """One YAML document of a file: ruamel round-trip data (positions in ``.lc``) and where it starts."""

    file: Path
    index: int
    data: Any
    source: SourceRange


def discover_files(paths: Sequence[Path], diagnostics: Diagnostics) -> list[Path]:
    """The declaration files under ``paths`` (files as given, directories recursed), sorted, without repeats."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                if p.suffix in YAML_SUFFIXES and p.name not in SKIPPED_NAMES and p.is_file()
            )
        elif path.is_file():
            found.append(path)
        else:
            diagnostics.error(
                "load.not-found", f"no such file or directory: {path}",
                hint="pass existing files or directories, or set `paths` in provisioner.yaml",
                source=SourceRange(str(path)),
            )
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p, None)
    return list(unique)


class _Constructor(RoundTripConstructor):
    """Records duplicate keys (keeping the first value) instead of stopping at the first one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duplicates: list[tuple[str, Any, Any]] = []

    def check_mapping_key(self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any) -> bool:
        if key in mapping:
            first = mapping.lc.data.get(key) if hasattr(mapping, "lc") else None
            self.duplicates.append((str(key), key_node.start_mark, first))
            return False
        return True


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def _mark_range(file: Path, mark: Any) -> SourceRange:
    if mark is None:
        return SourceRange(str(file))
    return SourceRange(str(file), int(mark.line) + 1, int(mark.column) + 1)


def _start(file: Path, data: Any) -> SourceRange:
    lc = getattr(data, "lc", None)
    if lc is not None and lc.line is not None:
        return SourceRange(str(file), int(lc.line) + 1, int(lc.col or 0) + 1)
    return SourceRange(str(file))


def read_text(file: Path, diagnostics: Diagnostics) -> str | None:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        diagnostics.error(
            "load.encoding", f"not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8",
            source=SourceRange(str(file)),
        )
    except OSError as exc:
        diagnostics.error("load.unreadable", f"cannot read: {exc.strerror or exc}", source=SourceRange(str(file)))
    return None


def parse_documents(file: Path, text: str, diagnostics: Diagnostics) -> list[SourceDocument]:
    """Every document of ``text``; syntax errors and duplicate keys are added to ``diagnostics``."""
    yaml = _yaml()
    documents: list[SourceDocument] = []
    try:
        stream: Iterable[Any] = yaml.load_all(text)
        for index, data in enumerate(stream):
            documents.append(SourceDocument(file, index, data, _start(file, data)))
    except MarkedYAMLError as exc:
        problem = exc.problem or "malformed YAML"
        context = f" ({exc.context})" if exc.context else ""
        diagnostics.error(
            "yaml.syntax", f"{problem}{context}", hint="fix the YAML syntax; the rest of this file was not read",
            source=_mark_range(file, exc.problem_mark or exc.context_mark),
        )
    except (YAMLError, ValueError, TypeError, RecursionError, OverflowError) as exc:
        diagnostics.error(
            "yaml.invalid", f"cannot read the YAML: {type(exc).__name__}",
            hint="fix the YAML; the rest of this file was not read", source=SourceRange(str(file)),
        )
    for key, mark, first in getattr(yaml.constructor, "duplicates", []):
        seen = f" (first defined at line {int(first[0]) + 1})" if first else ""
        diagnostics.error(
            "yaml.duplicate-key", f"duplicate key {key!r}{seen}",
            hint="remove one of the two: YAML keys must be unique in a mapping",
            source=_mark_range(file, mark),
        )
    return documents


def read_documents(file: Path, diagnostics: Diagnostics) -> list[SourceDocument]:
    text = read_text(file, diagnostics)
    return [] if text is None else parse_documents(file, text, diagnostics)
