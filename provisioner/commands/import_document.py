"""The plaintext declaration ``provisioner import`` hands to sops: in memory only, never printed or written."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from provisioner.commands.probe_sources import document_with_secrets
from provisioner.declarations.models import Agent, Connection
from provisioner.state.records import Record


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
    template = resource.model_dump(mode="json", exclude_none=True)
    document = _ordered(document_with_secrets(record.spec, secrets), template)
    buffer = io.StringIO()
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.dump(document, buffer)
    header = (f"# yaml-language-server: $schema={schema}\n"
              f"# Imported from the state by `provisioner import` (last applied by {record.applied_by} at "
              f"{record.applied_at.isoformat(timespec='seconds')}).\n")
    return header + buffer.getvalue()
