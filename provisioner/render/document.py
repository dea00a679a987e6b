"""JSON documents on stdout: snake_case keys and a ``format_version`` (docs/json.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from provisioner.render.console import stdout_console

FORMAT_VERSION = 1


def document(payload: Mapping[str, Any]) -> dict[str, Any]:
    """``payload`` with ``format_version`` first (a payload carrying its own version keeps it)."""
    return {"format_version": FORMAT_VERSION, **payload}


def print_document(payload: Mapping[str, Any], *, sort_keys: bool = False) -> None:
    """Print ``payload`` as one JSON document on stdout."""
    text = json.dumps(document(payload), indent=2, sort_keys=sort_keys)
    stdout_console().out(text, highlight=False)
