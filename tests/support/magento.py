"""Test helpers: integrations with Magento-shaped credentials, RSA keys, connections and targets."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from provisioner.applications.magento2.application import MAGENTO2
from provisioner.declarations.models import Connection, SignatureMethod
from provisioner.probe import BearerCredentials, OAuth1Credentials, ProbeTarget
from provisioner.sandbox import Integration


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_pem: str


@lru_cache(maxsize=4)
def key_pair(label: str = "main") -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return KeyPair(private, public)


def token(prefix: str = "") -> str:
    """A 32-character Magento-style key or token; a prefix makes it recognisable (canaries)."""
    return (prefix + secrets.token_hex(16))[:32]


@dataclass(frozen=True)
class Creds:
    consumer_key: str
    consumer_secret: str
    access_token: str
    token_secret: str
    keys: KeyPair

    @classmethod
    def fresh(cls, prefix: str = "") -> Creds:
        return cls(token(), token(prefix), token(prefix), token(prefix), key_pair())

    def integration(self, name: str = "erp", **overrides: object) -> Integration:
        base = Integration(
            name=name, consumer_key=self.consumer_key, access_token=SecretStr(self.access_token),
            consumer_secret=SecretStr(self.consumer_secret), token_secret=SecretStr(self.token_secret),
            public_key=self.keys.public_pem,
        )
        return replace(base, **overrides)

    def oauth1(self, method: SignatureMethod | str, **overrides: str | None) -> OAuth1Credentials:
        values: dict[str, str | None] = {
            "access_token": self.access_token, "consumer_secret": self.consumer_secret,
            "token_secret": self.token_secret, "private_key": self.keys.private_pem, "realm": None,
        }
        values.update(overrides)
        wrap = {k: SecretStr(v) if v is not None and k != "realm" else v for k, v in values.items()}
        return OAuth1Credentials(
            consumer_key=self.consumer_key, signature_method=SignatureMethod(method), **wrap
        )

    def bearer(self, value: str | None = None) -> BearerCredentials:
        return BearerCredentials(SecretStr(value or self.access_token))


def target(base_uri: str, credentials: OAuth1Credentials | BearerCredentials, **settings: object) -> ProbeTarget:
    settings.setdefault("ping_path", MAGENTO2.default_ping_path)
    settings.setdefault("classify", MAGENTO2.classify)
    return ProbeTarget(name=str(settings.pop("name", "shop")), base_uri=base_uri, credentials=credentials,
                       **settings)


def connection(name: str, base_uri: str, creds: Creds, method: str = "HMAC-SHA256", **spec: object) -> Connection:
    auth: dict[str, object] = {"type": "oauth1", "baseUri": base_uri, "signatureMethod": method,
                               "consumerKey": creds.consumer_key, "accessToken": creds.access_token}
    if method.startswith("RSA-"):
        auth["consumerPrivateKey"] = creds.keys.private_pem
    else:
        auth |= {"consumerSecret": creds.consumer_secret, "tokenSecret": creds.token_secret}
    body: dict[str, object] = {"application": "magento2", "auth": auth, **spec}
    return Connection.model_validate(
        {"apiVersion": "provisioner/v1", "kind": "Connection", "metadata": {"name": name}, "spec": body}
    )


def bearer_connection(name: str, base_uri: str, access_token: str) -> Connection:
    return Connection.model_validate({
        "apiVersion": "provisioner/v1", "kind": "Connection", "metadata": {"name": name},
        "spec": {"application": "magento2",
                 "auth": {"type": "token", "baseUri": base_uri, "accessToken": access_token}},
    })
