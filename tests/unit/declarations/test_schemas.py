"""The schemas: the published files are the generated ones, valid draft 2020-12, and in step with the models."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from provisioner.commands.schema import export_schemas
from provisioner.declarations.models import parse_resource
from provisioner.declarations.schemas import PUBLISHED_SCHEMAS, SCHEMA_NAMES, validator
from tests.unit.declarations.samples import ENC, METHODS, agent, clone, connection, method_fields, token_connection

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("name", PUBLISHED_SCHEMAS)
def test_published_schemas_are_the_generated_ones(name: str) -> None:
    published = REPO / "schemas" / f"{name}.schema.json"
    (generated,) = export_schemas(name).documents
    assert published.read_text() == generated.text, (
        "schemas/ is generated from the envelope and the applications' fragments: "
        "run `provisioner schema --out schemas`"
    )
    Draft202012Validator.check_schema(json.loads(published.read_text()))


def test_no_second_copy_of_the_schemas_is_packaged() -> None:
    assert not list((REPO / "provisioner").rglob("*.schema.json"))


def _edit(base: Callable[[], dict[str, Any]], *path: str, value: Any = ..., delete: bool = False) -> dict[str, Any]:
    doc = clone(base())
    node = doc
    for part in path[:-1]:
        node = node[part]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


# (label, document, valid?) — documents whose secrets are ENC-shaped, so the only difference
# allowed between models and schemas (models also hold decrypted values) never comes up.
CASES: list[tuple[str, dict[str, Any], bool]] = [
    *[(f"valid {m}", connection(m), True) for m in METHODS],
    *[(f"{m} without {f}", _edit(lambda m=m: connection(m), "spec", "auth", f, delete=True), False)
      for m in METHODS for f in method_fields(m)[0]],
    *[(f"{m} with {f}", _edit(lambda m=m: connection(m), "spec", "auth", f, value=ENC), False)
      for m in METHODS for f in method_fields(m)[1]],
    ("token", token_connection(), True),
    ("token with consumerKey", _edit(token_connection, "spec", "auth", "consumerKey", value="k"), False),
    ("agent", agent(), True),
    ("agent without proxy", _edit(agent, "spec", "proxyUrl", delete=True), True),
    ("agent null proxy", _edit(agent, "spec", "proxyUrl", value=None), True),
    ("agent without token", _edit(agent, "spec", "accessToken", delete=True), False),
    ("agent extra", _edit(agent, "spec", "mode", value="cloud"), False),
    ("cloud with agent", _edit(connection, "spec", "agent", value="dc1"), False),
    ("on-premise", _edit(lambda: _edit(connection, "spec", "mode", value="on-premise"), "spec", "agent", value="dc1"),
     True),
    ("on-premise no agent", _edit(connection, "spec", "mode", value="on-premise"), False),
    ("on-premise null agent",
     _edit(lambda: _edit(connection, "spec", "mode", value="on-premise"), "spec", "agent", value=None), False),
    ("cloud null agent", _edit(connection, "spec", "agent", value=None), False),
    ("mode other", _edit(connection, "spec", "mode", value="hybrid"), False),
    ("no mode", _edit(connection, "spec", "mode", delete=True), True),
    ("bad application", _edit(connection, "spec", "application", value="shopify"), False),
    ("bad name", _edit(connection, "metadata", "name", value="Shop"), False),
    ("long name", _edit(connection, "metadata", "name", value="a" * 64), False),
    ("labels non-string", _edit(connection, "metadata", "labels", value={"a": 1}), False),
    ("labels null", _edit(connection, "metadata", "labels", value=None), False),
    ("no labels", _edit(connection, "metadata", "labels", delete=True), True),
    ("null displayName", _edit(connection, "spec", "displayName", value=None), True),
    ("numeric displayName", _edit(connection, "spec", "displayName", value=5), False),
    ("empty consumerKey", _edit(connection, "spec", "auth", "consumerKey", value=""), False),
    ("numeric consumerKey", _edit(connection, "spec", "auth", "consumerKey", value=123), False),
    ("realm null", _edit(connection, "spec", "auth", "realm", value=None), True),
    ("realm number", _edit(connection, "spec", "auth", "realm", value=1), False),
    ("realm with a double quote", _edit(connection, "spec", "auth", "realm", value="a\"b"), False),
    ("realm with a backslash", _edit(connection, "spec", "auth", "realm", value="a\\b"), False),
    ("realm with a newline", _edit(connection, "spec", "auth", "realm", value="a\nb"), False),
    ("unknown auth type", _edit(connection, "spec", "auth", "type", value="basic"), False),
    ("no auth type", _edit(connection, "spec", "auth", "type", delete=True), False),
    ("advanced ok", _edit(connection, "spec", "advanced", value={
        "pingPath": "/V1/x", "timeoutSeconds": 2.5, "verifyTls": False, "caBundle": None,
    }), True),
    ("timeout string", _edit(connection, "spec", "advanced", value={"timeoutSeconds": "30"}), False),
    ("timeout bool", _edit(connection, "spec", "advanced", value={"timeoutSeconds": True}), False),
    ("timeout zero", _edit(connection, "spec", "advanced", value={"timeoutSeconds": 0}), False),
    ("timeout max", _edit(connection, "spec", "advanced", value={"timeoutSeconds": 600}), True),
    ("verifyTls string", _edit(connection, "spec", "advanced", value={"verifyTls": "true"}), False),
    ("pingPath relative", _edit(connection, "spec", "advanced", value={"pingPath": "V1"}), False),
    ("advanced typo", _edit(connection, "spec", "advanced", value={"timeout": 3}), False),
    ("wrong apiVersion", _edit(connection, "apiVersion", value="v1"), False),
    ("no metadata", _edit(connection, "metadata", delete=True), False),
    ("extra top-level", _edit(connection, "status", value={}), False),
    ("secret as number", _edit(connection, "spec", "auth", "accessToken", value=5), False),
]


@pytest.mark.parametrize(("label", "doc", "valid"), CASES, ids=[c[0] for c in CASES])
def test_models_and_schemas_accept_and_reject_the_same_documents(label: str, doc: dict[str, Any], valid: bool) -> None:
    name = SCHEMA_NAMES[doc["kind"]]
    schema_ok = not list(validator(name).iter_errors(doc))
    try:
        parse_resource(doc)
        model_ok = True
    except ValidationError:
        model_ok = False
    assert (schema_ok, model_ok) == (valid, valid), label


def test_only_the_schema_rejects_plaintext_secrets_models_hold_decrypted_values() -> None:
    doc = _edit(connection, "spec", "auth", "accessToken", value="decrypted-value")
    assert list(validator("connection").iter_errors(doc))
    assert parse_resource(doc).spec.auth.accessToken.get_secret_value() == "decrypted-value"
