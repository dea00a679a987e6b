"""The plaintext declaration ``provisioner import`` hands to sops: in memory only, never printed or written."""

from __future__ import annotations

import copy
import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from provisioner.declarations.models import Agent, Connection
from provisioner.state.records import Record


def _with_secrets(document: Mapping[str, Any], secrets: Mapping[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = copy.deepcopy(dict(document))
    for path, value in secrets.items():
        *parents, leaf = path.split(".")
        node = result
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return result


def _ordered(node: Any, template: Any) -> Any:
    """``node`` with its keys in the model's field order (``template``), the rest after them."""
    if not isinstance(node, Mapping):
        return LiteralScalarString(node) if isinstance(node, str) and "\n" in node else node
    order = list(template) if isinstance(template, Mapping) else []
    keys = [k for k in order if k in node] + [k for k in node if k not in order]
    sub = template if isinstance(template, Mapping) else {}
    return {k: _ordered(node[k], sub.get(k)) for k in keys}


def declaration_yaml(record: Record, secrets: Mapping[str, str], resource: Connection | Agent, schema: str) -> str:
    """The declaration of ``record`` with the schema modeline (secret values in clear: for sops' stdin only)."""
    document = _ordered(_with_secrets(record.spec, secrets), resource.model_dump(mode="json", exclude_none=True))
    buffer = io.StringIO()
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.dump(document, buffer)
    header = (f"# yaml-language-server: $schema={schema}\n"
              f"# Imported from the state by `provisioner import` (last applied by {record.applied_by} at "
              f"{record.applied_at.isoformat(timespec='seconds')}).\n")
    return header + buffer.getvalue()
