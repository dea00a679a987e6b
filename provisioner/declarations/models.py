"""Typed models of the declarations (``apiVersion: provisioner/v1``).

The JSON Schemas in ``schemas/`` are the published contract for structure; these models are
the typed view the rest of the pipeline works with, and a test proves the two accept and
reject the same documents. Secret fields are ``SecretStr``: while a declaration is still
encrypted they hold the SOPS ``ENC[...]`` text, after decryption the value itself; either
way ``repr``/``str`` never show it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

API_VERSION = "provisioner/v1"
NAME_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DEFAULT_PING_PATH = "/V1/store/storeConfigs"
REALM_PATTERN = r"^[^\"\\\x00-\x1f]*$"

# Field names that hold secrets, wherever they appear (Connection auth, Agent spec).
SECRET_FIELDS: tuple[str, ...] = ("consumerSecret", "accessToken", "tokenSecret", "consumerPrivateKey")


class SignatureMethod(StrEnum):
    HMAC_SHA1 = "HMAC-SHA1"
    HMAC_SHA256 = "HMAC-SHA256"
    HMAC_SHA512 = "HMAC-SHA512"
    RSA_SHA1 = "RSA-SHA1"
    RSA_SHA256 = "RSA-SHA256"
    RSA_SHA512 = "RSA-SHA512"
    PLAINTEXT = "PLAINTEXT"

    @property
    def is_rsa(self) -> bool:
        return self.value.startswith("RSA-")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Metadata(_Model):
    name: Annotated[str, Field(pattern=NAME_PATTERN, max_length=63)]
    labels: dict[str, str] = Field(default_factory=dict)


class Advanced(_Model):
    pingPath: Annotated[str, Field(pattern=r"^/")] = DEFAULT_PING_PATH
    timeoutSeconds: Annotated[float, Field(gt=0, le=600)] = 30
    verifyTls: bool = True
    caBundle: str | None = None


class OAuth1Auth(_Model):
    type: Literal["oauth1"]
    baseUri: str
    signatureMethod: SignatureMethod
    # Sent as a quoted string in the Authorization header: no double quote, backslash or control character.
    realm: Annotated[str, Field(pattern=REALM_PATTERN)] | None = None
    consumerKey: Annotated[str, Field(min_length=1)]
    consumerSecret: SecretStr | None = None
    accessToken: SecretStr
    tokenSecret: SecretStr | None = None
    consumerPrivateKey: SecretStr | None = None

    @model_validator(mode="after")
    def _fields_for_method(self) -> OAuth1Auth:
        # The table of DESIGN §3, also encoded in schemas/connection.schema.json.
        rsa_fields: tuple[str, ...] = ("consumerPrivateKey",)
        hmac_fields: tuple[str, ...] = ("consumerSecret", "tokenSecret")
        required, forbidden = (rsa_fields, hmac_fields) if self.signatureMethod.is_rsa else (hmac_fields, rsa_fields)
        missing = [f for f in required if getattr(self, f) is None]
        extra = [f for f in forbidden if f in self.model_fields_set]
        if missing or extra:
            raise ValueError(f"{self.signatureMethod.value}: missing {missing}, not allowed {extra}")
        return self


class TokenAuth(_Model):
    type: Literal["token"]
    baseUri: str
    accessToken: SecretStr


Auth = Annotated[OAuth1Auth | TokenAuth, Field(discriminator="type")]


class ConnectionSpec(_Model):
    application: Literal["magento2"]
    displayName: str | None = None
    mode: Literal["cloud", "on-premise"] = "cloud"
    agent: Annotated[str, Field(pattern=NAME_PATTERN, max_length=63)] | None = None
    auth: Auth
    advanced: Advanced = Field(default_factory=Advanced)

    @model_validator(mode="after")
    def _agent_for_mode(self) -> ConnectionSpec:
        if self.mode == "on-premise" and self.agent is None:
            raise ValueError("mode on-premise requires agent")
        if self.mode != "on-premise" and "agent" in self.model_fields_set:
            raise ValueError("agent is only allowed with mode on-premise")
        return self


class Connection(_Model):
    apiVersion: Literal["provisioner/v1"]
    kind: Literal["Connection"]
    metadata: Metadata
    spec: ConnectionSpec


class AgentSpec(_Model):
    displayName: str | None = None
    accessToken: SecretStr
    proxyUrl: str | None = None


class Agent(_Model):
    apiVersion: Literal["provisioner/v1"]
    kind: Literal["Agent"]
    metadata: Metadata
    spec: AgentSpec


Resource = Connection | Agent


def address_of(kind: str, name: str) -> str:
    """The identity of a resource in plans and state: ``connection.NAME`` or ``agent.NAME``."""
    return f"{kind.lower()}.{name}"


def secret_paths(resource: Resource) -> dict[str, SecretStr]:
    """Secret fields present on a resource, keyed by dotted path (``spec.auth.accessToken``)."""
    found: dict[str, SecretStr] = {}
    if isinstance(resource, Connection):
        auth = resource.spec.auth
        for name in SECRET_FIELDS:
            value = getattr(auth, name, None)
            if isinstance(value, SecretStr):
                found[f"spec.auth.{name}"] = value
    else:
        found["spec.accessToken"] = resource.spec.accessToken
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
