"""The keys ``provisioner.yaml`` may hold: its JSON Schema (published as ``schemas/provisioner.schema.json``)
and the check that makes an unknown key an error at its file:line:column, with "did you mean".

One table (``_KEYS``) is the source of both, so the schema an editor completes from and the check
``load_config`` runs cannot disagree. ``target`` options belong to the target type (``targets/``) and
are not listed here: only ``target.type`` is.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from provisioner.errors import ConfigError

SCHEMA_ID = "https://provisioner.dev/schemas/v1/provisioner.schema.json"

_STRING = {"type": "string"}
# key -> (its schema, its sub-keys when it is a closed mapping)
_STATE_KEYS: dict[str, dict[str, Any]] = {
    "url": {**_STRING, "description": "Where the state lives: sqlite:///relative/path (relative to this file), "
            "sqlite:////absolute/path or postgresql://user@host:5432/db. PROVISIONER_STATE_URL wins over it."},
    "keyFile": {**_STRING, "description": "A file holding the state key (base64 of 32 bytes); ~ is expanded. "
                "Never inside the state's directory. PROVISIONER_STATE_KEY(_FILE) wins over it."},
}
_SECRETS_KEYS: dict[str, dict[str, Any]] = {
    "ageKeyFile": {**_STRING, "description": "The age identity handed to sops when neither SOPS_AGE_KEY_FILE nor "
                   "SOPS_AGE_KEY is set; ~ is expanded, relative to this file."},
}
_NESTED: dict[str, dict[str, dict[str, Any]]] = {"state": _STATE_KEYS, "secrets": _SECRETS_KEYS}
_TOP_KEYS: dict[str, dict[str, Any]] = {
    "workspace": {**_STRING, "description": "The state workspace this repository applies to (default: default)."},
    "state": {"type": "object", "additionalProperties": False, "properties": _STATE_KEYS,
              "description": "The state: its URL and its key file."},
    "paths": {"type": "array", "items": _STRING,
              "description": "Declaration files or directories, relative to this file (default: [connections])."},
    "secrets": {"type": "object", "additionalProperties": False, "properties": _SECRETS_KEYS,
                "description": "Where sops finds the age identity."},
    "target": {
        "description": "Where apply puts connections: a target type, or {type: NAME, ...options}.",
        "anyOf": [_STRING, {"type": "object", "required": ["type"], "properties": {"type": _STRING}}],
    },
}


def config_schema() -> dict[str, Any]:
    """The JSON Schema of ``provisioner.yaml``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "provisioner.yaml",
        "description": "Project settings of a provisioner repository (docs/configuration.md).",
        "type": "object",
        "additionalProperties": False,
        "properties": _TOP_KEYS,
    }


def _position(mapping: Any, key: object) -> tuple[int, int] | None:
    """1-based (line, column) of ``key`` in a ruamel round-trip mapping, when it kept them."""
    lc = getattr(mapping, "lc", None)
    try:
        line, column = lc.key(key) if lc is not None else (None, None)
    except (KeyError, TypeError, AttributeError):
        return None
    return (int(line) + 1, int(column) + 1) if line is not None and column is not None else None


def _unknown(path: Path, mapping: Any, key: object, known: list[str], prefix: str) -> ConfigError:
    where = _position(mapping, key)
    at = f"{path}:{where[0]}:{where[1]}" if where else str(path)
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    hint = f"did you mean `{prefix}{close[0]}`?" if close else f"keys allowed here: {', '.join(known)}"
    return ConfigError(f"{at}: unknown key `{prefix}{key}` in provisioner.yaml", hint=hint, code="config-unknown-key")


def check_keys(path: Path, data: Any) -> None:
    """Raise ``ConfigError`` (code ``config-unknown-key``) on the first key the schema does not know."""
    if not isinstance(data, dict):
        return
    for key in data:
        if key not in _TOP_KEYS:
            raise _unknown(path, data, key, list(_TOP_KEYS), "")
    for name, keys in _NESTED.items():
        nested = data.get(name)
        if isinstance(nested, dict):
            for key in nested:
                if key not in keys:
                    raise _unknown(path, nested, key, list(keys), f"{name}.")
