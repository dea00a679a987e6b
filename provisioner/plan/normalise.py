"""Normal forms, so that equivalent declarations never show as changes.

The non-secret spec of a resource is its model dump with defaults filled in (pydantic fills
what the schema defaults), secret fields removed, and these equivalences applied:
- ``baseUri`` without trailing slashes (``https://shop/rest/`` is ``https://shop/rest``);
- ``pingPath`` with exactly one leading slash;
- a field set to null, or an empty ``realm`` or ``displayName``, is the same as an absent one;
- ``timeoutSeconds`` 30 and 30.0 are equal (JSON numbers).
Key order never matters: comparisons are on canonical JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provisioner.applications.registry import secret_field_names
from provisioner.canonical import canonical_json, sha256_hex
from provisioner.declarations.models import Resource


def _strip_secrets_and_nulls(node: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        return {k: _strip_secrets_and_nulls(v, secrets) for k, v in node.items() if k not in secrets and v is not None}
    return node


def _normalise_numbers(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _normalise_numbers(v) for k, v in node.items()}
    if isinstance(node, float) and node.is_integer():
        return int(node)
    return node


def public_spec(resource: Resource) -> dict[str, Any]:
    """The resource as stored and diffed: defaults filled, secrets removed, equivalences applied."""
    plain = _strip_secrets_and_nulls(resource.model_dump(mode="json"), secret_field_names())
    data: dict[str, Any] = _normalise_numbers(plain)
    spec = data["spec"]
    auth = spec.get("auth")
    if isinstance(auth, dict):
        auth["baseUri"] = str(auth["baseUri"]).rstrip("/")
        if auth.get("realm") == "":
            del auth["realm"]
    advanced = spec.get("advanced")
    if isinstance(advanced, dict):
        advanced["pingPath"] = "/" + str(advanced["pingPath"]).lstrip("/")
    if spec.get("displayName") == "":
        del spec["displayName"]
    return data


def desired_digest(spec: Mapping[str, Any], fingerprints: Mapping[str, str]) -> str:
    """What a change commits to: the public spec plus the keyed fingerprints of its secrets."""
    return sha256_hex(canonical_json({"spec": spec, "fingerprints": dict(fingerprints)}))


def flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``; lists and scalars are leaves, an empty mapping is absent."""
    if isinstance(node, Mapping):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: node} if prefix else {}
