"""A loaded declaration: the typed resource plus where it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from provisioner.declarations.models import Resource, address_of
from provisioner.diagnostics import SourceRange


@dataclass(frozen=True, slots=True)
class Declaration:
    """One document of a declaration file, validated and typed.

    ``ciphertexts`` maps each secret's dotted path to the SOPS ``ENC[...]`` text exactly as
    committed; the plan compares digests of these with the state to decide which files need
    decrypting. ``decrypted`` says whether the secret fields of ``resource`` hold values
    (True) or still the ``ENC[...]`` text (False).
    """

    resource: Resource
    file: Path
    document_index: int
    source: SourceRange
    ciphertexts: Mapping[str, str] = field(default_factory=dict)
    positions: Mapping[str, SourceRange] = field(default_factory=dict)
    decrypted: bool = False

    @property
    def kind(self) -> str:
        return self.resource.kind

    @property
    def name(self) -> str:
        return self.resource.metadata.name

    @property
    def address(self) -> str:
        return address_of(self.kind, self.name)

    def position(self, path: str) -> SourceRange:
        """The source position of a dotted field path, or of the document when unknown."""
        return self.positions.get(path, self.source)
