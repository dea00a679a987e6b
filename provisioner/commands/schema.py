"""``provisioner schema``: the JSON Schemas of the declarations, to print or to write into a directory.

The schemas are assembled from the envelope and the registered applications' fragments
(``provisioner.declarations.schemas``); ``provisioner schema --out schemas`` regenerates the
published ``schemas/`` of this repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from provisioner.declarations.schemas import PUBLISHED_SCHEMAS, schema_file_name, schema_text
from provisioner.errors import ProvisionerError
from provisioner.files import PUBLIC, write_file


@dataclass(frozen=True)
class SchemaDocument:
    name: str
    file_name: str
    text: str


@dataclass(frozen=True)
class SchemaResult:
    documents: tuple[SchemaDocument, ...]
    written: tuple[Path, ...] = ()


def export_schemas(name: str | None = None, out: Path | None = None) -> SchemaResult:
    """The schema ``name`` (connection, agent, provisioner; all when None), written into ``out`` when given."""
    names = [name] if name else list(PUBLISHED_SCHEMAS)
    documents = tuple(SchemaDocument(n, schema_file_name(n), schema_text(n)) for n in names)
    if out is None:
        return SchemaResult(documents)
    written: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for doc in documents:
            target = out / doc.file_name
            write_file(target, doc.text, mode=PUBLIC)
            written.append(target)
    except OSError as exc:
        raise ProvisionerError(f"cannot write the schemas to {out}: {exc.strerror or exc}") from None
    return SchemaResult(documents, tuple(written))
