"""A tiny second application, for tests only: Acme, bearer-only, whose one secret field is ``apiKey``.

It is what a new application package holds (spec model, schema fragment, secret fields,
checks, endpoint, classifier), written in one file; tests register it with
``monkeypatch.setitem(APPLICATIONS, "acme", ACME)`` — the one registry line.
"""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr

from provisioner.applications.application import Application
from provisioner.declarations.base import ConnectionSpecBase, StrictModel
from provisioner.probe.classify_response import Classification, HttpAnswer
from provisioner.probe.result import Outcome
from provisioner.probe.target import BearerCredentials, Endpoint

PING_PATH = "/api/ping"


class AcmeAuth(StrictModel):
    type: Literal["bearer"]
    baseUri: str
    apiKey: SecretStr


class AcmeSpec(ConnectionSpecBase):
    application: Literal["acme"]
    auth: AcmeAuth


FRAGMENT = {
    "spec": {"required": ["auth"], "properties": {"auth": {"$ref": "#/$defs/acme.auth"}}},
    "$defs": {
        "acme.auth": {
            "type": "object",
            "additionalProperties": False,
            "required": ["type", "baseUri", "apiKey"],
            "properties": {
                "type": {"const": "bearer"},
                "baseUri": {"type": "string", "format": "uri"},
                "apiKey": {"$ref": "#/$defs/secret", "description": "Acme's API key."},
            },
        },
    },
}


def _check(declaration, diagnostics) -> None:
    spec = declaration.resource.spec
    if not spec.auth.baseUri.startswith("https://"):
        diagnostics.warning("check.acme-https", "Acme is served over https only",
                            source=declaration.position("spec.auth.baseUri"))


def _no_secret_checks(declaration, diagnostics) -> None:
    return None


def _endpoint(spec: ConnectionSpecBase) -> Endpoint:
    assert isinstance(spec, AcmeSpec)
    return Endpoint(base_uri=spec.auth.baseUri, credentials=BearerCredentials(spec.auth.apiKey), ping_path=PING_PATH)


def _classify(answer: HttpAnswer, method: str) -> Classification:
    if 200 <= answer.status < 300:
        return Classification(Outcome.OK, None, None)
    if answer.status == 401:
        return Classification(Outcome.UNAUTHORIZED, "HTTP 401", "Acme refused the API key: create a new one")
    return Classification(Outcome.SERVER_ERROR, f"HTTP {answer.status}", None)


ACME = Application(
    name="acme", title="Acme's API", spec_model=AcmeSpec, schema_fragment=FRAGMENT, secret_fields=("apiKey",),
    default_ping_path=PING_PATH, check=_check, check_secrets=_no_secret_checks, endpoint=_endpoint,
    classify=_classify,
)
