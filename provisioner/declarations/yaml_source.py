"""Reading declaration files: which files, and their YAML documents with every node's position.

Malformed YAML, duplicate keys and unreadable files become diagnostics, never exceptions:
the documents read before a syntax error are kept, and the other files are still read.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.docinfo import DocInfo, version
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from provisioner.declarations import excerpts
from provisioner.declarations.discovery import SKIPPED_NAMES, YAML_SUFFIXES, discover_files
from provisioner.declarations.yaml_guard import MAX_DEPTH, BoundedScanner, check_document
from provisioner.diagnostics import Diagnostics, SourceRange

MAX_FILE_BYTES = 1024 * 1024  # a declaration is a few KiB; refuse before parsing anything bigger

__all__ = ["MAX_FILE_BYTES", "SKIPPED_NAMES", "YAML_SUFFIXES", "SourceDocument", "discover_files",
           "parse_documents", "read_documents", "read_text"]


@dataclass(frozen=True)
class SourceDocument:
    """One YAML document of a file: ruamel round-trip data (positions in ``.lc``) and where it starts."""

    file: Path
    index: int
    data: Any
    source: SourceRange


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
    yaml.Scanner = BoundedScanner
    yaml.max_depth = MAX_DEPTH
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


def read_bytes(file: Path, diagnostics: Diagnostics) -> bytes | None:
    """At most MAX_FILE_BYTES of a regular file (never blocks on a FIFO, never reads /dev/zero forever)."""
    where = SourceRange(str(file))
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        diagnostics.error("load.unreadable", f"cannot read: {exc.strerror or exc}", source=where)
        return None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            diagnostics.error(
                "load.not-a-file", f"{file} is not a regular file; not read",
                hint="declarations are YAML files", source=where,
            )
            return None
        data = fh.read(MAX_FILE_BYTES + 1) if info.st_size <= MAX_FILE_BYTES else b""
        if info.st_size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
            size = max(info.st_size, len(data))
            diagnostics.error(
                "load.too-large", f"the file is {size:,} bytes; declarations are limited to {MAX_FILE_BYTES:,}",
                hint="a declaration is a few KiB: split the file, or remove what is not a declaration",
                source=where,
            )
            return None
        return data


def read_text(file: Path, diagnostics: Diagnostics) -> str | None:
    data = read_bytes(file, diagnostics)
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        diagnostics.error(
            "load.encoding", f"not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8",
            source=SourceRange(str(file)),
        )
    return None


def _documents(yaml: YAML, file: Path, text: str, diagnostics: Diagnostics, documents: list[SourceDocument]) -> None:
    """Compose each document, refuse hostile ones (the next documents are still read), construct the rest.

    Documents are appended to ``documents`` as they are read: those before a syntax error are kept."""
    constructor, parser = yaml.get_constructor_parser(text)
    composer = yaml.composer
    try:
        index = 0
        yaml.doc_infos.append(DocInfo(requested_version=version(yaml.version)))  # as load_all does (%YAML)
        while composer.check_node():
            node = composer.get_node()
            problem = check_document(node)
            if problem is not None:
                diagnostics.error(
                    problem.code, f"document {index + 1}: {problem.message}", hint=problem.hint,
                    source=_mark_range(file, problem.mark),
                )
            else:
                try:
                    data = constructor.construct_document(node)
                except (YAMLError, ValueError, TypeError, ArithmeticError, RecursionError) as exc:
                    diagnostics.error(
                        "yaml.invalid", f"document {index + 1}: a value cannot be read ({type(exc).__name__})",
                        hint="check explicit tags and very long numbers in this document",
                        source=_mark_range(file, getattr(node, "start_mark", None)),
                    )
                else:
                    documents.append(SourceDocument(file, index, data, _start(file, data)))
            index += 1
            yaml.doc_infos.append(DocInfo(requested_version=version(yaml.version)))
    finally:
        parser.dispose()


def parse_documents(file: Path, text: str, diagnostics: Diagnostics) -> list[SourceDocument]:
    """Every readable document of ``text``; syntax errors, hostile constructs and duplicate keys are
    added to ``diagnostics``. ``file`` becomes a declaration whose (masked) lines excerpts may show."""
    excerpts.register(file, text)
    yaml = _yaml()
    documents: list[SourceDocument] = []
    try:
        _documents(yaml, file, text, diagnostics, documents)
    except MaxDepthExceededError as exc:
        diagnostics.error(
            "yaml.too-deep", f"nested more than {MAX_DEPTH} levels deep",
            hint="a declaration is a small mapping; the rest of this file was not read",
            source=_mark_range(file, exc.problem_mark),
        )
    except MarkedYAMLError as exc:
        problem = exc.problem or "malformed YAML"
        context = f" ({exc.context})" if exc.context else ""
        diagnostics.error(
            "yaml.syntax", f"{problem}{context}", hint="fix the YAML syntax; the rest of this file was not read",
            source=_mark_range(file, exc.problem_mark or exc.context_mark),
        )
    except (YAMLError, ValueError, TypeError, LookupError, AttributeError, RecursionError, ArithmeticError) as exc:
        diagnostics.error(  # ruamel's own faults on odd input: still a diagnostic, never a crash
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
