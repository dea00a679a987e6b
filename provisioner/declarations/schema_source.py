"""The JSON Schemas of the declarations, assembled: the generic envelope + each registered application's fragment.

This is the one source: the loader validates with it, and ``provisioner schema --out schemas``
writes it to the published ``schemas/*.schema.json`` (a test fails when those are out of date).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from provisioner.applications.application import Application
from provisioner.declarations.base import API_VERSION, NAME_PATTERN

ENC_PATTERN = r"^ENC\[AES256_GCM,data:.*,type:str\]$"
_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_ID = "https://provisioner.dev/schemas/v1/{name}.schema.json"
_DISPLAY_NAME = {"type": ["string", "null"], "description": "A human name shown in plans and listings."}

_COMMON_DEFS: dict[str, Any] = {
    "secret": {
        "type": "string",
        "pattern": ENC_PATTERN,
        "description": "A secret: must hold a SOPS-encrypted value ENC[AES256_GCM,data:...,type:str], never plaintext.",
    },
    "name": {
        "type": "string",
        "pattern": NAME_PATTERN,
        "maxLength": 63,
        "description": "Lowercase letters, digits and '-', starting and ending with a letter or digit; at most 63 "
        "characters.",
    },
}
_METADATA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": {
            "$ref": "#/$defs/name",
            "description": "Identity of the resource in plans and state; unique per kind.",
        },
        "labels": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Free-form string labels, e.g. env: prod.",
        },
    },
}
# mode/agent: the same for every application (an on-premise connection is tested through an Agent).
_MODE_RULE: dict[str, Any] = {
    "if": {"properties": {"mode": {"const": "on-premise"}}, "required": ["mode"]},
    "then": {
        "description": "mode: on-premise connections are tested through an Agent: set spec.agent to a declared Agent's "
        "name",
        "required": ["agent"],
    },
    "else": {
        "description": "spec.agent is only for mode: on-premise; remove it or set mode: on-premise",
        "properties": {"agent": {"$ref": "#/$defs/notAllowed"}},
    },
}


# What sops adds to every file it encrypts. The loader drops it before validating the declaration;
# the published schemas accept it so an editor or check-jsonschema does not flag every encrypted file.
# Its inside is sops' business (its keys change between sops versions), so only its shape is fixed.
_SOPS_METADATA: dict[str, Any] = {
    "type": "object",
    "required": ["mac", "version"],
    "properties": {
        "mac": {"type": "string", "description": "The MAC over the file's values, encrypted by sops."},
        "version": {"type": "string", "description": "The sops version that wrote the file."},
        "lastmodified": {"type": "string"},
        "encrypted_regex": {"type": "string"},
        "mac_only_encrypted": {"type": "boolean"},
        "age": {"type": "array", "items": {"type": "object"}},
    },
    "description": "SOPS metadata, written by sops when it encrypts the file: never edit it by hand.",
    "doNotSuggest": True,  # yaml-language-server: not offered in completion
}


def _envelope(kind: str, description: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": _DRAFT,
        "$id": _ID.format(name=kind.lower()),
        "title": f"provisioner {kind} (apiVersion {API_VERSION})",
        "description": description,
        "type": "object",
        "additionalProperties": False,
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": API_VERSION},
            "kind": {"const": kind},
            "metadata": {"$ref": "#/$defs/metadata"},
            "spec": spec,
            "sops": _SOPS_METADATA,
        },
    }


def _application_spec(app: Application) -> dict[str, Any]:
    """The whole ``spec`` of ``app``: the shared fields and the mode rule, then the fragment's own."""
    own: Mapping[str, Any] = app.schema_fragment.get("spec", {})
    return {
        "description": f"spec of a connection to {app.title} (application: {app.name}).",
        "type": "object",
        "additionalProperties": False,
        "required": ["application", *own.get("required", [])],
        "properties": {
            "application": {"const": app.name},
            "displayName": _DISPLAY_NAME,
            "mode": {
                "enum": ["cloud", "on-premise"],
                "default": "cloud",
                "description": "cloud: reached directly; on-premise: reached through a declared Agent.",
            },
            "agent": {"$ref": "#/$defs/name", "description": "on-premise only: the name of a declared Agent."},
            **own.get("properties", {}),
        },
        "allOf": [_MODE_RULE, *own.get("allOf", [])],
    }


def _application_defs(app: Application) -> dict[str, Any]:
    defs: dict[str, Any] = {app.name: _application_spec(app)}
    for name, node in app.schema_fragment.get("$defs", {}).items():
        if not name.startswith(app.name + "."):
            raise ValueError(f"application {app.name}: schema $defs name {name!r} must start with {app.name + '.'!r}")
        defs[name] = node
    return defs


def connection_schema(applications: Mapping[str, Application]) -> dict[str, Any]:
    """The Connection schema: ``spec`` is the spec of the application ``spec.application`` names."""
    names = list(applications)
    spec = {
        "type": "object",
        "required": ["application"],
        "properties": {"application": {"enum": names, "description": "The application connected to."}},
        "allOf": [
            {
                "if": {"properties": {"application": {"const": name}}, "required": ["application"]},
                "then": {"$ref": f"#/$defs/{name}"},
            }
            for name in names
        ],
    }
    reached = "; ".join(f"{app.name}: {app.title}" for app in applications.values())
    root = _envelope(
        "Connection", f"An integration connection to an application ({reached}). "
        "Secret fields hold SOPS ENC[...] values.", {"$ref": "#/$defs/spec"},
    )
    defs: dict[str, Any] = {**_COMMON_DEFS, "notAllowed": {"not": {}}, "metadata": _METADATA, "spec": spec}
    for app in applications.values():
        defs.update(_application_defs(app))
    root["$defs"] = defs
    return copy.deepcopy(root)


def agent_schema() -> dict[str, Any]:
    spec = {
        "type": "object",
        "additionalProperties": False,
        "required": ["accessToken"],
        "properties": {
            "displayName": _DISPLAY_NAME,
            "accessToken": {"$ref": "#/$defs/secret", "description": "The agent's access token."},
            "proxyUrl": {
                "type": ["string", "null"],
                "format": "uri",
                "description": "Optional http(s) proxy through which on-premise connections are tested.",
            },
        },
    }
    root = _envelope("Agent", "An on-premise agent through which on-premise connections are tested.", spec)
    root["$defs"] = {**_COMMON_DEFS, "metadata": _METADATA}
    return copy.deepcopy(root)
