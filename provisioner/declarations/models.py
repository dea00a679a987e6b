"""Typed models of the declarations (``apiVersion: provisioner/v1``).

The JSON Schemas in ``schemas/`` are the published contract for structure; these models are
the typed view the rest of the pipeline works with, and a test proves the two accept and
reject the same documents. Secret fields are ``SecretStr``: while a declaration is still
encrypted they hold the SOPS ``ENC[...]`` text, after decryption the value itself; either
way ``repr``/``str`` never show it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

API_VERSION = "provisioner/v1"
NAME_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DEFAULT_PING_PATH = "/V1/store/storeConfigs"

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
    pingPath: str = DEFAULT_PING_PATH
    timeoutSeconds: Annotated[float, Field(gt=0, le=600)] = 30
    verifyTls: bool = True
    caBundle: str | None = None


class OAuth1Auth(_Model):
    type: Literal["oauth1"]
    baseUri: str
    signatureMethod: SignatureMethod
    realm: str | None = None
    consumerKey: str
    consumerSecret: SecretStr | None = None
    accessToken: SecretStr
    tokenSecret: SecretStr | None = None
    consumerPrivateKey: SecretStr | None = None


class TokenAuth(_Model):
    type: Literal["token"]
    baseUri: str
    accessToken: SecretStr


Auth = Annotated[OAuth1Auth | TokenAuth, Field(discriminator="type")]


class ConnectionSpec(_Model):
    application: Literal["magento2"]
    displayName: str | None = None
    mode: Literal["cloud", "on-premise"] = "cloud"
    agent: str | None = None
    auth: Auth
    advanced: Advanced = Field(default_factory=Advanced)


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
