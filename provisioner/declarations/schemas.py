"""The packaged JSON Schemas (copies of the published ``schemas/``; a test keeps them identical)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

# kind → the short name used in file names and ``provisioner schema --kind``.
SCHEMA_NAMES: dict[str, str] = {"Connection": "connection", "Agent": "agent"}
ENC_PATTERN = r"^ENC\[AES256_GCM,data:.*,type:str\]$"


def schema_file_name(name: str) -> str:
    return f"{name}.schema.json"


def schema_text(name: str) -> str:
    """The text of the packaged schema ``name`` (``connection`` or ``agent``)."""
    if name not in SCHEMA_NAMES.values():
        raise KeyError(name)
    return resources.files("provisioner.declarations").joinpath("schemas", schema_file_name(name)).read_text("utf-8")


@cache
def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(name))
    return loaded


@cache
def validator(name: str) -> Draft202012Validator:
    root = schema(name)
    Draft202012Validator.check_schema(root)
    return Draft202012Validator(root)


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
