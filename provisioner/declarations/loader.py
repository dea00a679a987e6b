"""Files → ``Declaration``s + ``Diagnostics``: YAML, JSON Schema and typed model, per document.

``load_declarations`` checks each document on its own; ``checks.check_declarations`` adds
the rules that need all of them. ``validate_paths`` runs both.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError as ModelError

from provisioner.declarations.checks import check_declarations
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.document_data import (
    SOPS_METADATA_KEY,
    DocumentTooLargeError,
    Positions,
    collect_positions,
    field_positions,
    to_plain,
)
from provisioner.declarations.fast_load import load_fast
from provisioner.declarations.models import address_of, parse_resource, secret_paths
from provisioner.declarations.schema_errors import schema_diagnostics
from provisioner.declarations.schemas import SCHEMA_NAMES, schema, validator
from provisioner.declarations.yaml_source import SourceDocument, discover_files, parse_documents, read_text
from provisioner.diagnostics import Diagnostics, SourceRange


@dataclass
class LoadResult:
    """What was read: valid declarations, every problem found, and the files looked at.

    ``addresses`` holds the address of every document that named a kind and a name, valid
    or not, so later checks do not report an invalid Agent as "not declared".
    """

    declarations: list[Declaration] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    files: list[Path] = field(default_factory=list)
    addresses: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors


def _address(plain: dict[str, Any]) -> str | None:
    kind, metadata = plain.get("kind"), plain.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if isinstance(kind, str) and kind in SCHEMA_NAMES and isinstance(name, str):
        return address_of(str(kind), name)
    return None


def _check_kind(plain: dict[str, Any], positions: Positions, result: LoadResult) -> str | None:
    kind = plain.get("kind")
    if isinstance(kind, str) and kind in SCHEMA_NAMES:
        return SCHEMA_NAMES[kind]
    kinds = ", ".join(SCHEMA_NAMES)
    if kind is None:
        result.diagnostics.error(
            "schema.required", "missing required field `kind`", hint=f"add `kind:` with one of: {kinds}",
            source=positions.document,
        )
    else:
        got = f" {kind!r}" if isinstance(kind, str) and len(kind) < 60 else ""
        close = difflib.get_close_matches(str(kind), list(SCHEMA_NAMES), n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"kind must be one of: {kinds}"
        result.diagnostics.error("schema.kind", f"unknown kind{got}", hint=hint, source=positions.value("kind"))
    return None


def _declaration(doc: SourceDocument, plain: dict[str, Any], positions: Positions, result: LoadResult,
                 where: Mapping[str, SourceRange] | None) -> None:
    try:
        resource = parse_resource(plain)
    except ModelError as exc:  # the schema passed but the model did not: the two disagree (a bug)
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        result.diagnostics.error(
            "schema.model", f"the document does not fit the typed model at: {', '.join(fields)}",
            hint="the JSON Schema accepted it; please report this", source=positions.document,
        )
        return
    result.declarations.append(
        Declaration(
            resource=resource,
            file=doc.file,
            document_index=doc.index,
            source=positions.document,
            ciphertexts={path: value.get_secret_value() for path, value in secret_paths(resource).items()},
            positions=field_positions(positions) if where is None else where,
        )
    )


def _load_document(doc: SourceDocument, result: LoadResult) -> None:
    if doc.data is None:
        return
    label = f"document {doc.index + 1}"
    if not isinstance(doc.data, dict):
        result.diagnostics.error(
            "schema.type", f"{label} must be a mapping with apiVersion, kind, metadata and spec",
            hint="see docs/file-format.md", source=doc.source,
        )
        return
    try:
        positions = collect_positions(doc.data, doc.source)
        plain = to_plain(doc.data)
    except DocumentTooLargeError:
        result.diagnostics.error(
            "yaml.too-large", f"{label} nests too deeply or expands to too many nodes",
            hint="a declaration is a small mapping; check anchors and aliases", source=doc.source,
        )
        return
    check_document_data(doc, plain, positions, result, size=len(doc.data), where=None)


def check_document_data(doc: SourceDocument, plain: dict[str, Any], positions: Positions, result: LoadResult,
                        *, size: int, where: Mapping[str, SourceRange] | None) -> None:
    """Schema, kind and model checks of one document's plain data; a valid one becomes a declaration
    (its field positions ``where``, or those of ``positions`` when ``None``)."""
    plain.pop(SOPS_METADATA_KEY, None)  # added by sops to encrypted files; not part of the declaration
    if not plain and size:
        return  # only sops metadata
    address = _address(plain)
    if address:
        result.addresses.add(address)
    name = _check_kind(plain, positions, result)
    if name is None:
        return
    found = schema_diagnostics(validator(name).iter_errors(plain), schema(name), positions, plain)
    result.diagnostics.extend(found)
    if not found:
        _declaration(doc, plain, positions, result, where)


def load_text(text: str, file: Path) -> LoadResult:
    """``load_declarations`` for text already in memory (``file`` is only where diagnostics point)."""
    result = LoadResult(files=[file])
    for doc in parse_documents(file, text, result.diagnostics):
        _load_document(doc, result)
    return result


def load_declarations(paths: Sequence[Path], *, root: Path | None = None) -> LoadResult:
    """Read every declaration file under ``paths``; never raises for anything in the files.

    ``root`` is the project root (default: where provisioner.yaml is, else the working directory):
    symbolic links that leave it are reported, never followed.
    """
    result = LoadResult()
    result.files = discover_files(paths, result.diagnostics, root=root)
    for file in result.files:
        text = read_text(file, result.diagnostics)
        if text is not None and not load_fast(file, text, result, check_document_data):
            for doc in parse_documents(file, text, result.diagnostics):
                _load_document(doc, result)
    return result


def validate_paths(paths: Sequence[Path], *, root: Path | None = None) -> LoadResult:
    """``load_declarations`` plus the cross-file checks: everything ``provisioner validate`` reports."""
    result = load_declarations(paths, root=root)
    check_declarations(result.declarations, result.diagnostics, also_declared=result.addresses)
    return result
