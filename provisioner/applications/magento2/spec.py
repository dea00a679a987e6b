"""The typed model of a Magento 2 connection's ``spec`` (auth oauth1 or token, mode/agent, advanced).

``schema.json`` beside this file encodes the same rules for the JSON Schema; a test proves the
two accept and reject the same documents. Secret fields are ``SecretStr``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, model_validator

from provisioner.declarations.base import ConnectionSpecBase, SignatureMethod, StrictModel

NAME = "magento2"
DEFAULT_PING_PATH = "/V1/store/storeConfigs"
REALM_PATTERN = r"^[^\"\\\x00-\x1f]*$"
# The secret fields of a Magento 2 connection (all under spec.auth).
SECRET_FIELDS: tuple[str, ...] = ("consumerSecret", "accessToken", "tokenSecret", "consumerPrivateKey")


class Advanced(StrictModel):
    pingPath: Annotated[str, Field(pattern=r"^/")] = DEFAULT_PING_PATH
    timeoutSeconds: Annotated[float, Field(gt=0, le=600)] = 30
    verifyTls: bool = True
    caBundle: str | None = None


class OAuth1Auth(StrictModel):
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
        # The per-method table of docs/file-format.md, also encoded in schema.json.
        rsa_fields: tuple[str, ...] = ("consumerPrivateKey",)
        hmac_fields: tuple[str, ...] = ("consumerSecret", "tokenSecret")
        required, forbidden = (rsa_fields, hmac_fields) if self.signatureMethod.is_rsa else (hmac_fields, rsa_fields)
        missing = [f for f in required if getattr(self, f) is None]
        extra = [f for f in forbidden if f in self.model_fields_set]
        if missing or extra:
            raise ValueError(f"{self.signatureMethod.value}: missing {missing}, not allowed {extra}")
        return self


class TokenAuth(StrictModel):
    type: Literal["token"]
    baseUri: str
    accessToken: SecretStr


Auth = Annotated[OAuth1Auth | TokenAuth, Field(discriminator="type")]


class Magento2Spec(ConnectionSpecBase):
    application: Literal["magento2"]
    auth: Auth
    advanced: Advanced = Field(default_factory=Advanced)
