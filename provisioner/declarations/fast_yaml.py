"""The fast path for reading a declaration file: libyaml (PyYAML's C parser) and plain data, no positions.

Most files in a repository are valid, and only a diagnostic needs a file:line:column. So the loader
first reads each file here; a file that reads cleanly and yields no diagnostic is kept as read, and any
other file is read again by the round-trip path (``yaml_source``), whose positions and diagnostics are
the only ones ever reported. This path declines (returns ``None``) whenever it could read a value
differently from ruamel's YAML 1.2 round-trip loader: tags, anchors and aliases, merge keys, duplicate
keys, deep nesting, any plain scalar that YAML 1.2 would read as something other than a string, null,
a boolean or a decimal integer, and anything libyaml refuses. Without libyaml, every file takes the
round-trip path.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any

from ruamel.yaml.nodes import ScalarNode as RuamelScalar
from ruamel.yaml.resolver import VersionedResolver

from provisioner.declarations.document_data import MAX_DEPTH, MAX_NODES

_pyyaml: Any = None
try:  # PyYAML has no type stubs here: it is used through ``Any``
    _pyyaml = importlib.import_module("yaml")
    _Loader: Any = _pyyaml.CSafeLoader
    _nodes: Any = importlib.import_module("yaml.nodes")
except (ImportError, AttributeError):  # no PyYAML, or one built without libyaml: the round-trip path only
    _pyyaml = None

__all__ = ["AVAILABLE", "FastDocument", "fast_documents"]

AVAILABLE = _pyyaml is not None

# Characters that start a tag, an anchor or an alias, a directive; tabs (libyaml takes some ruamel refuses);
# merge keys; escapes (a lone surrogate); a document end marker (libyaml takes "...\n..." where ruamel
# refuses it) and YAML 1.1's extra line breaks NEL, LS and PS (libyaml breaks lines there, YAML 1.2 does
# not) — both found by tests/unit/declarations/test_fast_yaml_fuzz.py.
_DECLINED = re.compile("[!&*%\t\x85\u2028\u2029]|<<|\\\\[uUx]|^\\.\\.\\.", re.MULTILINE)
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_CORE = "tag:yaml.org,2002:"
_RESOLVER = VersionedResolver(version=(1, 2))
# The first characters YAML 1.2 gives an implicit type to (ruamel picks its rules by the first character):
# a plain scalar starting with any other is a string, without running the rules.
_TYPED_FIRST = frozenset(k for k in _RESOLVER.versioned_resolver if k)
_FLOW_LIMIT = 64  # flow collections opened in one file: past this, let the guarded path judge the nesting


class _Declined(Exception):
    """This file is one for the round-trip path."""


class FastDocument:
    """One document read on the fast path: its plain data, where it starts and where each key is (0-based
    line and column, by dotted path as ``document_data.Positions`` has them)."""

    __slots__ = ("column", "data", "index", "keys", "line")

    def __init__(self, index: int, data: Any, line: int, column: int, keys: dict[str, tuple[int, int]]) -> None:
        self.index, self.data, self.line, self.column, self.keys = index, data, line, column, keys


def fast_documents(text: str) -> list[FastDocument] | None:
    """Every document of ``text`` as plain JSON-shaped data, or ``None``: read this file the round-trip way."""
    if not AVAILABLE or _DECLINED.search(text) or text.count("[") + text.count("{") > _FLOW_LIMIT:
        return None
    try:
        documents = []
        for i, node in enumerate(_pyyaml.compose_all(text, Loader=_Loader)):
            walk = _Walk()
            data = walk.plain(node, "", 0)
            documents.append(FastDocument(i, data, node.start_mark.line, node.start_mark.column, walk.keys))
        return documents
    except (_Declined, _pyyaml.YAMLError, ValueError, TypeError, RecursionError, MemoryError):
        return None


def _scalar(node: Any) -> Any:
    value = node.value
    if node.style or value[:1] not in _TYPED_FIRST:  # quoted, literal or folded, or untyped: a string
        return value
    tag = _RESOLVER.resolve(RuamelScalar, value, (True, False))
    if tag == _CORE + "str":
        return value
    if tag == _CORE + "null":
        return None
    if tag == _CORE + "bool":
        return value.lower() == "true"
    if tag == _CORE + "int" and _DECIMAL.fullmatch(value):
        return int(value)
    raise _Declined  # floats, timestamps, octal and hex numbers...: as ruamel reads them, on the other path


class _Walk:
    """Builds the plain data of one document and, as the round-trip loader records them, where each key
    (each item of a sequence) starts: 0-based line and column."""

    def __init__(self) -> None:
        self.nodes = 0
        self.keys: dict[str, tuple[int, int]] = {}

    def plain(self, node: Any, path: str, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise _Declined
        if isinstance(node, _nodes.ScalarNode):
            if not node.style and node.value == "":
                raise _Declined  # an empty value: the round-trip loader places it at the next token
            return _scalar(node)
        prefix = f"{path}." if path else ""
        if isinstance(node, _nodes.SequenceNode):
            out_list = []
            for i, item in enumerate(node.value):
                here = (item.start_mark.line, item.start_mark.column)
                at = sys.intern(f"{prefix}{i}")
                self.keys[at] = here
                out_list.append(self.plain(item, at, depth + 1))
            return out_list
        if isinstance(node, _nodes.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, _nodes.ScalarNode) or key_node.value == "":
                    raise _Declined
                key = _scalar(key_node)
                if not isinstance(key, str):
                    raise _Declined  # 1:, true:, null: as keys — however the other path renders them
                if key in out:
                    raise _Declined  # a duplicate key: reported, with both places, by the other path
                # interned: the same paths and keys recur in every file (10,000 files held 10,000 copies each)
                key, at = sys.intern(key), sys.intern(prefix + key)
                self.keys[at] = (key_node.start_mark.line, key_node.start_mark.column)
                out[key] = self.plain(value_node, at, depth + 1)
            return out
        raise _Declined
