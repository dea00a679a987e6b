"""Hostile YAML refused before anything is built from it: tags, merge keys, surrogates, alias bombs.

``check_document`` looks at one composed document (ruamel nodes, aliases shared) and returns the
first problem with the node where it is, or ``None``. Nesting depth is bounded by the composer
(``MAX_DEPTH``); everything here is linear in the size of the document as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scanner import RoundTripScanner

from provisioner.declarations.document_data import MAX_DEPTH, MAX_NODES

__all__ = ["MAX_DEPTH", "MAX_NODES", "BoundedScanner", "Problem", "check_document"]

_CORE = "tag:yaml.org,2002:"
SCALAR_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary"))
MERGE_TAG = _CORE + "merge"
_SURROGATE = re.compile("[\ud800-\udfff]")


class BoundedScanner(RoundTripScanner):
    """Stops at flow nesting deeper than MAX_DEPTH: past it ruamel's scanner is quadratic
    (10,000 ``[`` took minutes) before the composer's depth limit is ever reached."""

    def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:
        if len(self.flow_context) >= MAX_DEPTH:
            raise MaxDepthExceededError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", self.reader.get_mark(),
            )
        super().fetch_flow_collection_start(TokenClass, to_push)


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    hint: str
    mark: Any  # a ruamel Mark (line, column 0-based)


def _tag(node: Node) -> str:
    return str(getattr(node.tag, "value", node.tag) or "")


def _node_problem(node: Node) -> Problem | None:
    tag = _tag(node)
    if isinstance(node, ScalarNode):
        allowed = tag in SCALAR_TAGS
        if allowed and isinstance(node.value, str) and _SURROGATE.search(node.value):
            return Problem(
                "yaml.surrogate", "a string holds a lone surrogate escape (\\ud800-\\udfff), which is not text",
                "remove the escape, or write the character itself", node.start_mark,
            )
    else:
        allowed = tag == _CORE + ("map" if isinstance(node, MappingNode) else "seq")
    if not allowed:
        shown = tag.removeprefix(_CORE)
        shown = f" `{shown[:40]}`" if shown.isprintable() else ""
        return Problem(
            "yaml.tag", f"YAML tag{shown} is not allowed in a declaration",
            "remove the tag: declarations use plain strings, numbers, booleans, lists and mappings",
            node.start_mark,
        )
    return None


class _Walk:
    """Post-order walk with sizes memoized per node: an alias counts its whole expansion, once per use."""

    def __init__(self) -> None:
        self.sizes: dict[int, int] = {}
        self.active: set[int] = set()

    def size(self, node: Node) -> int | Problem:
        key = id(node)
        if key in self.sizes:
            return self.sizes[key]
        if key in self.active:
            return Problem(
                "yaml.recursive-alias", "an alias refers to the node that contains it",
                "a declaration is a tree: remove the alias", node.start_mark,
            )
        problem = _node_problem(node)
        if problem:
            return problem
        self.active.add(key)
        total = 1
        for child in self._children(node):
            if isinstance(child, Problem):
                return child
            got = self.size(child)
            if isinstance(got, Problem):
                return got
            total += got
            if total > MAX_NODES:
                return Problem(
                    "yaml.too-large", f"this node expands (through aliases) to more than {MAX_NODES} nodes",
                    "a declaration is a small mapping; check anchors and aliases", child.start_mark,
                )
        self.active.discard(key)
        self.sizes[key] = total
        return total

    @staticmethod
    def _children(node: Node) -> list[Node | Problem]:
        if isinstance(node, MappingNode):
            out: list[Node | Problem] = []
            for k, v in node.value:
                if _tag(k) == MERGE_TAG:
                    return [Problem(
                        "yaml.merge-key", "YAML merge keys (`<<`) are not allowed in a declaration",
                        "write the fields out in full (anchors and aliases of whole values still work)",
                        k.start_mark,
                    )]
                out += [k, v]
            return out
        if isinstance(node, SequenceNode):
            return list(node.value)
        return []


def check_document(node: Node | None) -> Problem | None:
    """The first hostile construct of one composed document, or ``None``."""
    if node is None:
        return None
    got = _Walk().size(node)
    return got if isinstance(got, Problem) else None
