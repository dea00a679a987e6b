"""The JSON Schemas the loader validates with: assembled from the registered applications (``schema_source``).

The published ``schemas/*.schema.json`` are this module's ``schema_text`` written by
``provisioner schema --out schemas``; a test fails when they are out of date.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from provisioner.applications.registry import APPLICATIONS
from provisioner.config_schema import config_schema
from provisioner.declarations.schema_source import ENC_PATTERN, agent_schema, connection_schema

# kind → the short name used in file names and ``provisioner schema --kind``.
SCHEMA_NAMES: dict[str, str] = {"Connection": "connection", "Agent": "agent"}
# Every schema ``provisioner schema`` publishes: the declarations' and provisioner.yaml's (``provisioner``).
PROJECT_SCHEMA = "provisioner"
PUBLISHED_SCHEMAS: tuple[str, ...] = (*SCHEMA_NAMES.values(), PROJECT_SCHEMA)

__all__ = [
    "ENC_PATTERN", "PROJECT_SCHEMA", "PUBLISHED_SCHEMAS", "SCHEMA_NAMES", "resolve", "schema", "schema_file_name",
    "schema_text", "validator",
]


def schema_file_name(name: str) -> str:
    return f"{name}.schema.json"


def _registered() -> tuple[tuple[str, int], ...]:
    """What the registry holds now: caches are keyed by it, so registering an application renews them."""
    return tuple((name, id(app)) for name, app in APPLICATIONS.items())


@cache
def _schema(name: str, registered: tuple[tuple[str, int], ...]) -> dict[str, Any]:
    del registered  # the cache key
    if name == "connection":
        return connection_schema(APPLICATIONS)
    if name == "agent":
        return agent_schema()
    if name == PROJECT_SCHEMA:
        return config_schema()
    raise KeyError(name)


def schema(name: str) -> dict[str, Any]:
    """The schema ``name`` (``connection``, ``agent`` or ``provisioner``); ``KeyError`` for any other name."""
    return _schema(name, _registered())


def schema_text(name: str) -> str:
    """The schema ``name`` as published: JSON, two-space indented, a final newline."""
    return json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n"


@cache
def _validator(name: str, registered: tuple[tuple[str, int], ...]) -> Draft202012Validator:
    # Not checked against the meta-schema here (≈ 0.1 s a process): tests/unit/declarations/test_schemas.py
    # checks the published schemas, and another test that they are what this module builds (issue 16).
    return Draft202012Validator(_schema(name, registered))


def validator(name: str) -> Draft202012Validator:
    return _validator(name, _registered())


def _deref(root: dict[str, Any], node: dict[str, Any]) -> Any:
    target: Any = root
    for segment in str(node["$ref"]).removeprefix("#").split("/"):
        if segment:
            target = target.get(segment) if isinstance(target, dict) else None
    return target


def resolve(root: dict[str, Any], schema_path: list[Any]) -> list[Any]:
    """The schema nodes along a jsonschema ``absolute_schema_path``, one per part.

    jsonschema leaves ``$ref`` out of schema paths, so a local ``$ref`` is followed
    whenever the next part is not found in the node itself.
    """
    node: Any = root
    visited: list[Any] = []
    for part in schema_path:
        for _ in range(10):  # a chain of $refs; no schema here nests deeper
            if isinstance(node, dict) and part not in node and isinstance(node.get("$ref"), str):
                node = _deref(root, node)
        found = isinstance(node, dict) and part in node
        found = found or (isinstance(node, list) and isinstance(part, int) and part < len(node))
        if not found:
            break
        node = node[part]
        visited.append(node)
    return visited
