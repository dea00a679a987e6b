"""Typed models of the declarations (``apiVersion: provisioner/v1``): the generic envelope, spec by application.

``Connection.spec`` is the spec model of the application ``spec.application`` names
(``provisioner.applications.registry``), chosen when the document is validated. The JSON
Schemas (``provisioner.declarations.schemas``, published in ``schemas/``) are the contract for
structure; a test proves models and schemas accept and reject the same documents. Secret
fields are ``SecretStr``: while a declaration is still encrypted they hold the SOPS
``ENC[...]`` text, after decryption the value itself; either way ``repr``/``str`` never show it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, SecretStr, SerializeAsAny, ValidationInfo, field_validator
from pydantic import ValidationError as ModelError
from pydantic_core import PydanticCustomError

from provisioner.applications.registry import UnknownApplicationError, application_for, secret_field_names
from provisioner.declarations.base import (
    API_VERSION,
    NAME_PATTERN,
    Agent,
    AgentSpec,
    ConnectionSpecBase,
    Metadata,
    SignatureMethod,
    StrictModel,
)


class Connection(StrictModel):
    apiVersion: Literal["provisioner/v1"]
    kind: Literal["Connection"]
    metadata: Metadata
    spec: SerializeAsAny[ConnectionSpecBase]

    @field_validator("spec", mode="before")
    @classmethod
    def _spec_of_application(cls, value: Any, info: ValidationInfo) -> Any:
        """Validate ``spec`` with its application's model (JSON input: strictly, as the schema judges it)."""
        if isinstance(value, ConnectionSpecBase) or not isinstance(value, dict):
            return value
        name = value.get("application")
        try:
            model = application_for(name if isinstance(name, str) else "").spec_model
        except UnknownApplicationError as exc:
            raise PydanticCustomError("application", "{reason}", {"reason": str(exc)}) from None
        try:
            if info.mode == "json":
                return model.model_validate_json(json.dumps(value), strict=True)
            return model.model_validate(value)
        except ModelError as exc:  # name the fields, never the values (a value may be a secret)
            fields = ", ".join(sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()}))
            raise PydanticCustomError("spec", "does not fit the {application} spec at: {fields}",
                                      {"application": model.__name__, "fields": fields}) from None


Resource = Connection | Agent
# Every field name that holds a secret, across the registered applications and Agent (for modules that
# match by name; ``secret_field_names()`` is the live view when an application is registered later).
SECRET_FIELDS: tuple[str, ...] = secret_field_names()


def address_of(kind: str, name: str) -> str:
    """The identity of a resource in plans and state: ``connection.NAME`` or ``agent.NAME``."""
    return f"{kind.lower()}.{name}"


def _secrets_in(model: BaseModel, prefix: str, found: dict[str, SecretStr]) -> None:
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            found[f"{prefix}{name}"] = value
        elif isinstance(value, BaseModel):
            _secrets_in(value, f"{prefix}{name}.", found)


def secret_paths(resource: Resource) -> dict[str, SecretStr]:
    """Secret fields present on a resource, keyed by dotted path (``spec.auth.accessToken``).

    A secret is a ``SecretStr`` field of the spec, wherever the application's model puts it.
    """
    found: dict[str, SecretStr] = {}
    _secrets_in(resource.spec, "spec.", found)
    return found


def parse_resource(data: Mapping[str, object]) -> Resource:
    """The typed model of plain, JSON-shaped data, with JSON semantics (no coercion), as the schemas judge it.

    Raises ``pydantic.ValidationError``; the loader validates against the JSON Schemas first,
    so for files this only fails where the two disagree (a bug a test guards against).
    """
    text = json.dumps(data, allow_nan=False)
    if data.get("kind") == "Agent":
        return Agent.model_validate_json(text, strict=True)
    return Connection.model_validate_json(text, strict=True)


__all__ = [
    "API_VERSION",
    "NAME_PATTERN",
    "SECRET_FIELDS",
    "Agent",
    "AgentSpec",
    "Connection",
    "ConnectionSpecBase",
    "Metadata",
    "Resource",
    "SignatureMethod",
    "address_of",
    "parse_resource",
    "secret_paths",
]
