"""The generic parts of every declaration: the envelope, metadata, Agents, and what an application's spec shares.

An application's spec model (``provisioner/applications/NAME/spec.py``) subclasses
``ConnectionSpecBase``; nothing here knows any application.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

API_VERSION = "provisioner/v1"
NAME_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
AGENT_SECRET_FIELDS: tuple[str, ...] = ("accessToken",)


class SignatureMethod(StrEnum):
    """OAuth 1.0 signature methods (RFC 5849 and the RSA/HMAC SHA-2 variants)."""

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


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Name = Annotated[str, Field(pattern=NAME_PATTERN, max_length=63)]


class Metadata(StrictModel):
    name: Name
    labels: dict[str, str] = Field(default_factory=dict)


class ConnectionSpecBase(StrictModel):
    """What every application's connection spec has: its application, a display name, how it is reached."""

    application: str
    displayName: str | None = None
    mode: Literal["cloud", "on-premise"] = "cloud"
    agent: Name | None = None

    @model_validator(mode="after")
    def _agent_for_mode(self) -> ConnectionSpecBase:
        if self.mode == "on-premise" and self.agent is None:
            raise ValueError("mode on-premise requires agent")
        if self.mode != "on-premise" and "agent" in self.model_fields_set:
            raise ValueError("agent is only allowed with mode on-premise")
        return self


class AgentSpec(StrictModel):
    displayName: str | None = None
    accessToken: SecretStr
    proxyUrl: str | None = None


class Agent(StrictModel):
    apiVersion: Literal["provisioner/v1"]
    kind: Literal["Agent"]
    metadata: Metadata
    spec: AgentSpec
