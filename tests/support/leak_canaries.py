"""Canary secrets for the leak scan: one distinct, recognisable value in every secret field of every method.

``make_canaries(seed)`` gives, for each of the seven OAuth 1.0 signature methods and for a bearer token, a
``MethodCreds`` whose secret fields each hold their own canary: 32 characters (Magento's length) mixing
letters and digits with characters every encoding changes (``+ / = & % < > " ~ ! * : @ , ? #``), so a
leak in percent-, JSON-, HTML- or base64-encoded form differs from the plain one; the RSA methods each
get a real, freshly generated 2048-bit private key (PKCS#8 PEM). An Agent's access token and a database
password are canaries too. ``CanarySet.canaries()`` lists them as ``tests.support.leak_scan.Canary``
(with the PLAINTEXT signature, ``consumerSecret&tokenSecret``, and the DER bytes of each RSA key);
the state key and the age identity are added by whoever makes them.

``connection_text`` and ``agent_text`` are the plaintext YAML of the declarations (only ever written to
sops' stdin); ``integrations_yaml`` is the sandbox's integrations file for the same credentials.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass, field
from urllib.parse import quote

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.leak_scan import Canary

METHODS = ("HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT",
           "bearer")
SPECIALS = '+/=&%<>"~!*:@,?#'
_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def canary_value(rng: random.Random, length: int = 32) -> str:
    chars = [rng.choice(_ALNUM) for _ in range(length)]
    for position in range(3, length, 5):  # an encoding-sensitive character every five
        chars[position] = rng.choice(SPECIALS)
    return "".join(chars)


def _rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def common_key_parts() -> list[bytes]:
    """Two other RSA keys, PEM and DER: what every key shares (the DER structure) is not a leak of one."""
    found = []
    for _ in range(2):
        pem = _rsa_pair()[0]
        found += [pem.encode(), base64.b64decode("".join(pem.splitlines()[1:-1]))]
    return found


@dataclass(frozen=True)
class MethodCreds:
    method: str  # a signature method, or "bearer"
    consumer_key: str  # not a secret
    access_token: str = field(repr=False)
    consumer_secret: str | None = field(default=None, repr=False)
    token_secret: str | None = field(default=None, repr=False)
    private_pem: str | None = field(default=None, repr=False)
    public_pem: str | None = None

    @property
    def slug(self) -> str:
        return self.method.lower()

    def canaries(self) -> list[Canary]:
        found = [Canary(f"{self.slug} accessToken", self.access_token)]
        if self.consumer_secret is not None and self.token_secret is not None:
            found += [Canary(f"{self.slug} consumerSecret", self.consumer_secret),
                      Canary(f"{self.slug} tokenSecret", self.token_secret)]
        if self.method == "PLAINTEXT" and self.consumer_secret and self.token_secret:
            signature = f"{quote(self.consumer_secret, safe='~')}&{quote(self.token_secret, safe='~')}"
            found += [Canary("PLAINTEXT signature", signature),
                      Canary("PLAINTEXT signature unencoded", f"{self.consumer_secret}&{self.token_secret}")]
        if self.private_pem is not None:
            body = "".join(line for line in self.private_pem.splitlines() if "-----" not in line)
            found += [Canary(f"{self.slug} consumerPrivateKey", self.private_pem),
                      Canary(f"{self.slug} consumerPrivateKey DER", base64.b64decode(body))]
        return found


@dataclass(frozen=True)
class CanarySet:
    creds: tuple[MethodCreds, ...]
    agent_token: str = field(repr=False)
    database_password: str = field(repr=False)

    def canaries(self) -> list[Canary]:
        found = [c for creds in self.creds for c in creds.canaries()]
        return [*found, Canary("agent accessToken", self.agent_token),
                Canary("database password", self.database_password)]

    def of(self, method: str) -> MethodCreds:
        return next(c for c in self.creds if c.method == method)


def make_canaries(seed: int) -> CanarySet:
    rng = random.Random(seed)
    creds = []
    for index, method in enumerate(METHODS):
        consumer_key = f"leakscan{index:02d}" + "".join(rng.choice("0123456789abcdef") for _ in range(22))
        if method.startswith("RSA-"):
            private, public = _rsa_pair()
            creds.append(MethodCreds(method, consumer_key, canary_value(rng), private_pem=private, public_pem=public))
        elif method == "bearer":
            creds.append(MethodCreds(method, consumer_key, canary_value(rng)))
        else:
            creds.append(MethodCreds(method, consumer_key, canary_value(rng), canary_value(rng), canary_value(rng)))
    return CanarySet(tuple(creds), canary_value(rng), canary_value(rng, 24).replace("/", "x").replace("@", "x")
                     .replace(":", "x").replace("?", "x").replace("#", "x").replace("%", "x"))


def _q(value: str) -> str:
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar


def connection_text(name: str, base_uri: str, creds: MethodCreds, ca_bundle: str | None, *,
                    timeout: int = 10) -> str:
    lines = ["apiVersion: provisioner/v1", "kind: Connection", "metadata:", f"  name: {name}", "spec:",
             "  application: magento2", f"  displayName: Leak scan {name}", "  mode: cloud", "  auth:"]
    if creds.method == "bearer":
        lines += ["    type: token", f"    baseUri: {_q(base_uri)}", f"    accessToken: {_q(creds.access_token)}"]
    else:
        lines += ["    type: oauth1", f"    baseUri: {_q(base_uri)}", f"    signatureMethod: {creds.method}",
                  f"    consumerKey: {_q(creds.consumer_key)}", f"    accessToken: {_q(creds.access_token)}"]
        if creds.private_pem is not None:
            lines += [f"    consumerPrivateKey: {_q(creds.private_pem)}"]
        else:
            lines += [f"    consumerSecret: {_q(creds.consumer_secret or '')}",
                      f"    tokenSecret: {_q(creds.token_secret or '')}"]
    lines += ["  advanced:", f"    timeoutSeconds: {timeout}"]
    lines += [f"    caBundle: {_q(ca_bundle)}"] if ca_bundle is not None else []
    return "\n".join(lines) + "\n"


def agent_text(name: str, access_token: str) -> str:
    return "\n".join(["apiVersion: provisioner/v1", "kind: Agent", "metadata:", f"  name: {name}", "spec:",
                      f"  displayName: Leak scan agent {name}", f"  accessToken: {_q(access_token)}"]) + "\n"


def integration_item(creds: MethodCreds) -> dict[str, object]:
    """One entry of the sandbox's integrations file for ``creds`` (bearer allowed for the bearer one)."""
    item: dict[str, object] = {"name": creds.slug, "consumerKey": creds.consumer_key,
                               "accessToken": creds.access_token}
    if creds.consumer_secret is not None:
        item |= {"consumerSecret": creds.consumer_secret, "tokenSecret": creds.token_secret}
    if creds.public_pem is not None:
        item["publicKey"] = creds.public_pem
    if creds.method == "bearer":
        item["allowBearer"] = True
    return item


def integrations_yaml(canaries: CanarySet) -> str:
    """The sandbox's integrations file: one integration per method."""
    items = [integration_item(creds) for creds in canaries.creds]
    return json.dumps({"integrations": items}, indent=2) + "\n"  # JSON is YAML
