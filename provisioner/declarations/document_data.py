"""A YAML document as the validators see it: plain JSON-shaped data, plus where every node is.

Paths are dotted (``spec.auth.consumerSecret``; sequence items by index, ``a.0``). Keys
that are not strings in YAML (``1:``, ``null:``) become their string form, so a schema
reports them as unknown fields instead of the validator tripping over them.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from provisioner.diagnostics import SourceRange


def dotted(parts: Iterable[object]) -> str:
    """``("spec", "auth", "type")`` → ``"spec.auth.type"``; any iterable of path items."""
    return ".".join(str(p) for p in parts)


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if type(value).__name__ == "ScalarBoolean":  # ruamel keeps anchored booleans as an int subclass
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        # NaN and infinities are not JSON numbers: keep them as text so a schema rejects them.
        return float(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    inner = getattr(value, "value", None)  # ruamel TaggedScalar (an unknown !tag)
    return str(inner) if inner is not None else str(value)


MAX_NODES = 100_000
MAX_DEPTH = 100


class DocumentTooLargeError(Exception):
    """A document nests too deeply or expands (through aliases) to too many nodes."""


class _Budget:
    def __init__(self) -> None:
        self.nodes = 0

    def spend(self, depth: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise DocumentTooLargeError


def to_plain(data: Any) -> Any:
    """JSON-shaped data (dict with str keys, list, str, int, float, bool, None) from ruamel's types.

    Raises ``DocumentTooLargeError`` for documents deeper than MAX_DEPTH or (aliases expanded)
    larger than MAX_NODES nodes: no declaration is near either limit.
    """
    return _plain(data, _Budget(), 0)


def _plain(data: Any, budget: _Budget, depth: int) -> Any:
    budget.spend(depth)
    if isinstance(data, Mapping):
        return {str(k): _plain(v, budget, depth + 1) for k, v in data.items()}
    if isinstance(data, Set):
        return [_plain(v, budget, depth + 1) for v in data]
    if isinstance(data, list | tuple):
        return [_plain(v, budget, depth + 1) for v in data]
    return _scalar(data)


@dataclass
class Positions:
    """Key and value positions of every node of one document, by dotted path ("" is the document)."""

    document: SourceRange
    keys: dict[str, SourceRange] = field(default_factory=dict)
    values: dict[str, SourceRange] = field(default_factory=dict)

    def key(self, path: str) -> SourceRange:
        """Where the field's key is (its line); the nearest known ancestor otherwise."""
        return self._nearest(self.keys, path)

    def value(self, path: str) -> SourceRange:
        """Where the field's value starts; the nearest known ancestor otherwise."""
        return self._nearest(self.values, path)

    def _nearest(self, table: dict[str, SourceRange], path: str) -> SourceRange:
        while path:
            if path in table:
                return table[path]
            path = path.rpartition(".")[0]
        return self.document


def _at(file: str, line: Any, column: Any) -> SourceRange:
    return SourceRange(file, int(line) + 1, int(column) + 1)


def _walk(node: Any, prefix: str, out: Positions, budget: _Budget, depth: int) -> None:
    file = out.document.file
    budget.spend(depth)
    lc = getattr(node, "lc", None)
    if lc is None:
        return
    join = (lambda k: f"{prefix}.{k}") if prefix else str
    if isinstance(node, Mapping):
        for k, v in node.items():
            path = join(k)
            entry = lc.data.get(k)
            if entry:
                out.keys.setdefault(path, _at(file, entry[0], entry[1]))
                out.values.setdefault(path, _at(file, entry[2], entry[3]))
            _walk(v, path, out, budget, depth + 1)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            path = join(i)
            entry = lc.data.get(i)
            if entry:
                out.keys.setdefault(path, _at(file, entry[0], entry[1]))
                out.values.setdefault(path, _at(file, entry[0], entry[1]))
            _walk(v, path, out, budget, depth + 1)


def collect_positions(data: Any, document: SourceRange) -> Positions:
    """Positions of every node; raises ``DocumentTooLargeError`` like ``to_plain``."""
    positions = Positions(document=document)
    positions.keys[""] = positions.values[""] = document
    _walk(data, "", positions, _Budget(), 0)
    return positions


SOPS_METADATA_KEY = "sops"  # added by sops to every file it encrypts; not part of the declaration


def field_positions(positions: Positions) -> dict[str, SourceRange]:
    """Where each field of a declaration is: every key's position but the sops metadata's."""
    return {path: at for path, at in positions.keys.items() if path and path.split(".", 1)[0] != SOPS_METADATA_KEY}
