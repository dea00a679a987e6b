"""``provisioner call``: curl as an applied connection; the answer redacted, the request's credentials never shown."""

from __future__ import annotations

import json

import pytest

from tests.e2e.api.fleet import applied_fleet
from tests.support.project import summary

PING = "/V1/store/storeConfigs"


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    with applied_fleet(tmp_path_factory.mktemp("call")) as fleet:
        yield fleet


@pytest.mark.parametrize("name", ["shop", "signed", "bearer", "plant"])
def test_each_way_of_signing(fleet, name):
    fleet.proxied.clear()
    done = fleet.cli("call", name, PING)
    assert done.returncode == 0, summary(done)
    assert isinstance(json.loads(done.stdout), list)  # the body alone on stdout: it pipes into jq
    assert done.stderr.startswith("200 OK  GET http://127.0.0.1:")
    assert "Content-Type: application/json" in done.stderr
    assert fleet.proxied == ([f"/rest{PING}"] if name == "plant" else [])
    fleet.project.assert_no_secret(done.stdout, done.stderr)


def test_json_document(fleet):
    done = fleet.cli("call", "shop", "GET", PING, "--format", "json")
    assert done.returncode == 0, summary(done)
    document = json.loads(done.stdout)
    assert document["format_version"] == 1
    assert document["ok"] is True and document["status"] == 200 and document["method"] == "GET"
    assert document["url"] == fleet.base_uri + PING
    assert {"name": "Content-Type", "value": "application/json; charset=utf-8"} in document["headers"]
    assert isinstance(json.loads(document["body"]), list)


def test_a_non_2xx_answer_exits_1(fleet):
    done = fleet.cli("call", "shop", "/V1/no/such/route")
    assert done.returncode == 1, summary(done)
    assert done.stderr.startswith("404 Not Found")
    posted = fleet.cli("call", "shop", "post", "/V1/products", "--data", '{"product": {"sku": "x"}}')
    assert posted.returncode == 1, summary(posted)  # the sandbox serves GET only
    assert "POST" in posted.stderr


def test_the_echoed_credentials_and_secrets_are_redacted(fleet, tmp_path):
    body = tmp_path / "body.json"
    body.write_text('{"hello": "world"}', encoding="utf-8")
    outputs = {}
    for args in (["echo", PING], ["echo", "PUT", "/V1/x", "--data", f"@{body}"], ["echo", PING, "-f", "json"]):
        done = outputs[args[1]] = fleet.cli("call", *args)
        assert done.returncode == 0, summary(done)
        assert "[redacted]" in done.stdout + done.stderr
        assert "Set-Cookie" not in done.stdout + done.stderr and "session=" not in done.stdout
        fleet.project.assert_no_secret(done.stdout, done.stderr)
    assert json.loads(json.loads(outputs["PUT"].stdout)["sent"]) == {"hello": "world"}  # the body was sent


@pytest.mark.parametrize(("args", "code"), [
    (["shop", "http://example.com/rest/V1/store/storeConfigs"], "call-refused"),
    (["nope", PING], "unknown-connection"),
    (["shop", "GET", PING, "--data", "{}"], "usage"),
    (["shop", "POST", PING, "--data", "not json"], "usage"),
    (["shop", "PATCH", PING], "usage"),
    (["shop", "POST", PING, "--data", "@missing.json"], "usage"),
])
def test_refusals_are_errors_with_a_code(fleet, args, code):
    done = fleet.cli("call", *args, "--format", "json")
    assert done.returncode == 1, summary(done)
    assert json.loads(done.stdout)["error"]["code"] == code
    fleet.project.assert_no_secret(done.stdout, done.stderr)


def test_an_unreachable_connection_is_an_error_naming_no_secret(fleet):
    from tests.support.magento import Creds

    fleet.project.write_connection("down", "http://127.0.0.1:9/rest", Creds.fresh("CANARY"))
    applied = fleet.cli("apply", "--auto-approve", "--skip-test", "--target", "down")
    assert applied.returncode == 0, summary(applied)
    done = fleet.cli("call", "down", PING)
    assert done.returncode == 1, summary(done)
    assert "error[unreachable-refused]" in done.stderr
    fleet.project.assert_no_secret(done.stdout, done.stderr)


def test_a_revoked_token_is_shown_as_magento_answered(fleet):
    before = fleet.sandbox.integrations
    fleet.sandbox.revoke_token("erp")
    try:
        human = fleet.cli("call", "shop", PING)
        document = fleet.cli("call", "shop", PING, "--format", "json")
    finally:
        fleet.sandbox.replace_integrations(before)  # the fleet is shared by this module's tests
    assert human.returncode == 1, summary(human)
    assert human.stderr.startswith("401 Unauthorized")
    assert json.loads(human.stdout) == {"message": "Access token has been revoked"}
    assert document.returncode == 1, summary(document)
    answer = json.loads(document.stdout)
    assert answer["status"] == 401 and answer["ok"] is False
    assert json.loads(answer["body"]) == {"message": "Access token has been revoked"}
    fleet.project.assert_no_secret(human.stdout, human.stderr, document.stdout, document.stderr)
