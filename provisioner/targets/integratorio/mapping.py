"""A Magento 2 declaration <-> an integrator.io HTTP connection (contract section 2).

| declaration | integrator.io |
| --- | --- |
| ``spec.displayName`` (else ``metadata.name``) | ``name`` |
| (always) | ``type: http``, ``assistant: magento`` (the Magento marker), ``http.mediaType: json`` |
| ``spec.auth.baseUri`` | ``http.baseURI`` |
| ``spec.advanced.pingPath`` | ``http.ping.relativeURI``, ``http.ping.method: GET`` |
| ``spec.advanced.verifyTls: false`` | ``http.disableStrictSSL: true`` |
| oauth1 fields | ``http.auth.type: oauth1``, ``http.auth.oauth.oauth1.*`` (signatureMethod lowercase) |
| token ``accessToken`` | ``http.auth.type: token``, ``http.auth.token.token`` (header Authorization, Bearer) |
| ``mode: on-premise`` + ``agent`` | top-level ``_agentId`` of the existing agent |
| lineage + address | ``externalId`` |
| target setting ``sandbox`` | ``sandbox`` |

Reading back maps only the non-secret fields to the declaration's spec paths; secrets come back masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provisioner.applications.magento2.spec import Magento2Spec, OAuth1Auth, TokenAuth
from provisioner.declarations.declaration import Declaration
from provisioner.declarations.models import Connection
from provisioner.targets.base import TargetError

MASK = "******"
PLACEHOLDER = "SET-THIS-SECRET"  # what import --from-target writes (provisioner.secrets.checks.PLACEHOLDER)
MARKER = "magento"  # ``assistant``: what the UI's Magento 2 form stores ([UI] 3890845536)


def external_id(lineage: str, address: str) -> str:
    return f"provisioner:{lineage}:{address}"


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    plain = str(value.get_secret_value())
    if plain in (MASK, PLACEHOLDER) or plain.startswith("ENC["):
        raise TargetError("refusing to send a masked, placeholder or still-encrypted secret to integrator.io",
                          code="masked-secret", hint="set the secret in the file (`provisioner secrets edit FILE`); "
                                                     "the mask read back is never written")
    return plain


def _auth(auth: OAuth1Auth | TokenAuth) -> dict[str, Any]:
    if isinstance(auth, TokenAuth):
        return {"type": "token", "token": {"token": _secret(auth.accessToken), "location": "header",
                                           "headerName": "Authorization", "scheme": "Bearer"}}
    oauth1 = {"signatureMethod": auth.signatureMethod.value.lower(), "consumerKey": auth.consumerKey,
              "consumerSecret": _secret(auth.consumerSecret), "accessToken": _secret(auth.accessToken),
              "tokenSecret": _secret(auth.tokenSecret), "consumerPrivateKey": _secret(auth.consumerPrivateKey),
              "realm": auth.realm}
    return {"type": "oauth1", "oauth": {"oauth1": {k: v for k, v in oauth1.items() if v is not None}}}


def to_remote(declaration: Declaration, *, external: str, sandbox: bool, agent_id: str | None) -> dict[str, Any]:
    """The full document (every secret, decrypted): PUT is a full replace."""
    resource = declaration.resource
    if not isinstance(resource, Connection) or not isinstance(resource.spec, Magento2Spec):
        raise TargetError(f"{declaration.address}: integrator.io takes Magento 2 connections only",
                          code="not-supported")
    spec = resource.spec
    http: dict[str, Any] = {"baseURI": spec.auth.baseUri.rstrip("/"), "mediaType": "json",
                            "ping": {"relativeURI": "/" + spec.advanced.pingPath.lstrip("/"), "method": "GET"},
                            "auth": _auth(spec.auth)}
    if not spec.advanced.verifyTls:
        http["disableStrictSSL"] = True
    doc: dict[str, Any] = {"name": spec.displayName or resource.metadata.name, "type": "http", "assistant": MARKER,
                           "externalId": external, "sandbox": sandbox, "http": http}
    if agent_id is not None:
        doc["_agentId"] = agent_id
    return doc


def from_remote(doc: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The remote connection's non-secret fields at the spec paths of ``stored`` (a record's spec)."""
    spec = stored.get("spec", {}) if isinstance(stored.get("spec"), dict) else {}
    http = doc.get("http") or {}
    auth = http.get("auth") or {}
    out: dict[str, Any] = {}
    expected_name = spec.get("displayName") or (stored.get("metadata") or {}).get("name")
    if doc.get("name") != expected_name:
        out["displayName"] = doc.get("name")
    out["mode"] = "on-premise" if doc.get("_agentId") else "cloud"
    remote_auth: dict[str, Any] = {"type": auth.get("type"), "baseUri": str(http.get("baseURI", "")).rstrip("/")}
    if auth.get("type") == "oauth1":
        oauth1 = (auth.get("oauth") or {}).get("oauth1") or {}
        remote_auth["signatureMethod"] = str(oauth1.get("signatureMethod", "")).upper()
        remote_auth["consumerKey"] = oauth1.get("consumerKey")
        if oauth1.get("realm") or (spec.get("auth") or {}).get("realm"):
            remote_auth["realm"] = oauth1.get("realm")
    out["auth"] = remote_auth
    ping = http.get("ping") or {}
    out["advanced"] = {"pingPath": ping.get("relativeURI"), "verifyTls": not http.get("disableStrictSSL", False)}
    return {"spec": out}
