"""A declaration file on the fast path (``fast_yaml``): kept only when it yields no diagnostic at all.

A file read here that is valid becomes its declarations, their field positions taken from libyaml's
marks (the same line and column the round-trip loader records for the forms the fast path accepts:
``tests/unit/declarations/test_fast_yaml.py``). Any diagnostic, or any file the fast reader declines,
sends the whole file to the round-trip path, so every diagnostic of a file about itself comes from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from provisioner.declarations import excerpts
from provisioner.declarations.document_data import SOPS_METADATA_KEY, Positions
from provisioner.declarations.fast_yaml import FastDocument, fast_documents
from provisioner.declarations.yaml_source import SourceDocument
from provisioner.diagnostics import SourceRange

if TYPE_CHECKING:
    from provisioner.declarations.loader import LoadResult


class Check(Protocol):
    """``loader.check_document_data``: the schema, kind and model checks of one document."""

    def __call__(self, doc: SourceDocument, plain: dict[str, Any], positions: Positions, result: LoadResult, *,
                 size: int, where: Mapping[str, SourceRange] | None) -> None: ...


def field_positions(file: Path, doc: FastDocument) -> dict[str, SourceRange]:
    """``document_data.field_positions`` for a document read on the fast path."""
    name = str(file)
    return {path: SourceRange(name, line + 1, column + 1) for path, (line, column) in doc.keys.items()
            if path.split(".", 1)[0] != SOPS_METADATA_KEY}


def load_fast(file: Path, text: str, result: LoadResult, check: Check) -> bool:
    """Read ``file`` on the fast path into ``result``; ``False`` (``result`` untouched): read it the other way."""
    documents = fast_documents(text)
    if documents is None:
        return False
    scratch = type(result)()
    for doc in documents:
        if doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            return False
        source = SourceRange(str(file), doc.line + 1, doc.column + 1)
        check(SourceDocument(file, doc.index, None, source), doc.data, Positions(document=source), scratch,
              size=len(doc.data), where=field_positions(file, doc))
        if scratch.diagnostics.items:
            return False
    excerpts.register(file, text)  # as the round-trip path does: later diagnostics may quote the file
    result.declarations += scratch.declarations
    result.addresses |= scratch.addresses
    return True
