"""A declaration -> the integrator.io document as the issue gives it, and back without false differences."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from provisioner.declarations.declaration import Declaration
from provisioner.diagnostics import SourceRange
from provisioner.plan.normalise import flatten, public_spec
from provisioner.targets import TargetError
from provisioner.targets.integratorio.mapping import MASK, PLACEHOLDER, external_id, from_remote, to_remote
from tests.support.magento import Creds, bearer_connection, connection


def declared(resource) -> Declaration:
    return Declaration(resource, Path("x.yaml"), 0, SourceRange(1, 1, 1, 1), decrypted=True)


@pytest.mark.parametrize("method", ["HMAC-SHA256", "HMAC-SHA1", "RSA-SHA512", "PLAINTEXT"])
def test_oauth1_lands_under_http_auth_oauth_oauth1_with_the_lowercase_method(method):
    creds = Creds.fresh()
    decl = declared(connection("shop", "https://shop.example/rest/", creds, method))
    doc = to_remote(decl, external=external_id("L", "connection.shop"), sandbox=True, agent_id=None)
    assert (doc["name"], doc["type"], doc["assistant"], doc["sandbox"]) == ("shop", "http", "magento", True)
    assert doc["externalId"] == "provisioner:L:connection.shop" and "_agentId" not in doc
    http = doc["http"]
    assert (http["baseURI"], http["mediaType"]) == ("https://shop.example/rest", "json")
    assert http["ping"] == {"relativeURI": "/V1/store/storeConfigs", "method": "GET"}
    oauth1 = http["auth"]["oauth"]["oauth1"]
    assert http["auth"]["type"] == "oauth1" and oauth1["signatureMethod"] == method.lower()
    assert oauth1["accessToken"] == creds.access_token
    if method.startswith("RSA-"):
        assert oauth1["consumerPrivateKey"] == creds.keys.private_pem and "consumerSecret" not in oauth1
    else:
        assert (oauth1["consumerSecret"], oauth1["tokenSecret"]) == (creds.consumer_secret, creds.token_secret)


def test_bearer_lands_under_http_auth_token_and_an_agent_id_on_top():
    decl = declared(bearer_connection("tokens", "https://shop.example/rest", "t" * 32))
    doc = to_remote(decl, external="e", sandbox=False, agent_id="5f" * 12)
    assert doc["http"]["auth"] == {"type": "token", "token": {"token": "t" * 32, "location": "header",
                                                              "headerName": "Authorization", "scheme": "Bearer"}}
    assert doc["_agentId"] == "5f" * 12


@pytest.mark.parametrize("value", [MASK, PLACEHOLDER, "ENC[AES256_GCM,data:x]"])
def test_the_mask_a_placeholder_or_ciphertext_is_never_sent(value):
    decl = declared(bearer_connection("tokens", "https://shop.example/rest", "t" * 32))
    object.__setattr__(decl.resource.spec.auth, "accessToken", SecretStr(value))
    with pytest.raises(TargetError, match="refusing to send") as caught:
        to_remote(decl, external="e", sandbox=False, agent_id=None)
    assert value not in caught.value.message


def test_reading_back_what_was_sent_shows_no_difference_and_an_edit_shows_one():
    decl = declared(connection("shop", "https://shop.example/rest", Creds.fresh(), "HMAC-SHA256"))
    stored = public_spec(decl.resource)
    doc = to_remote(decl, external="e", sandbox=False, agent_id=None)
    remote = flatten(from_remote(doc, stored))
    assert all(flatten(stored)[p] == v for p, v in remote.items()), remote
    doc["name"] = "Renamed"
    doc["http"]["ping"]["relativeURI"] = "/V1/modules"
    changed = flatten(from_remote(doc, stored))
    assert changed["spec.displayName"] == "Renamed" and changed["spec.advanced.pingPath"] == "/V1/modules"
