"""Issue 15's diagnoses through the real probe and a sandbox that answers as Magento's source does.

Each scenario is a sandbox knob (docs/probe.md's table names the Magento or web-server source): the
Authorization header stripped before PHP, an integration without the resource, a clock behind, a failing
nonce table, a ping path without a required argument, basic auth or a firewall in front.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests

from provisioner.applications.magento2 import hints
from provisioner.probe import Outcome, ProbeResult, SessionPool, probe
from provisioner.probe.signing import oauth1_auth, throwaway
from provisioner.sandbox import Front, MagentoVersion, Sandbox, SandboxConfig, running_sandbox
from tests.support.hostile import LeakScanner
from tests.support.magento import Creds, target

STORE = "Magento_Backend::store"


@contextmanager
def sandbox_with(creds: Creds, **knobs: object) -> Iterator[Sandbox]:
    integration = creds.integration(allowed_resources=tuple(knobs.pop("resources", ("Magento_Backend::all",))),
                                    active=bool(knobs.pop("active", True)))
    config = SandboxConfig((integration,), magento=MagentoVersion.V2_4_4, **knobs)  # type: ignore[arg-type]
    with running_sandbox(config) as sb:
        yield sb


def run(sb: Sandbox, creds: Creds, ping_path: str = "/V1/store/storeConfigs", method: str = "HMAC-SHA256",
        ) -> ProbeResult:
    with SessionPool() as pool:
        return probe(target(sb.base_uri, creds.oauth1(method), ping_path=ping_path), pool)


def statuses(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The sandbox's log: each answer is logged twice (before the status line and before the body)."""
    lines = [r.getMessage() for r in caplog.records if r.name == "provisioner.sandbox"]
    return [line.split()[2] for line in lines[::2]]


def no_secret(result: ProbeResult, creds: Creds) -> None:
    secrets = [creds.consumer_secret, creds.access_token, creds.token_secret]
    assert not LeakScanner(secrets).find(f"{result.message}\n{result.hint}")


def test_a_stripped_authorization_header_is_told_apart_from_a_missing_permission(caplog):
    creds = Creds.fresh()
    caplog.set_level(logging.INFO, logger="provisioner.sandbox")
    with sandbox_with(creds, strip_authorization=True) as sb:
        result = run(sb, creds)
    assert (result.outcome, result.status_code) == (Outcome.HEADER_STRIPPED, 401)
    assert result.message == f"The consumer isn't authorized to access {STORE}."
    assert result.hint == hints.HEADER_STRIPPED_HINT
    assert "SetEnvIf Authorization .+ HTTP_AUTHORIZATION=$0" in result.hint and "CGIPassAuth On" in result.hint
    assert statuses(caplog) == ["401", "401"]  # one more request, and only one
    no_secret(result, creds)


@pytest.mark.parametrize("case", ["no-resource", "inactive"])
def test_a_wrong_signature_refused_as_such_proves_the_header_arrives(caplog, case):
    creds = Creds.fresh()
    caplog.set_level(logging.INFO, logger="provisioner.sandbox")
    knobs = {"resources": ("Magento_Catalog::products",)} if case == "no-resource" else {"active": False}
    with sandbox_with(creds, **knobs) as sb:
        result = run(sb, creds)
    assert (result.outcome, result.status_code) == (Outcome.NOT_PERMITTED, 401)
    assert result.hint == hints.PERMISSION_HINT.format(resources=STORE)
    assert "Save" in result.hint and "no reauthorization needed" in result.hint and "Active" in result.hint
    assert statuses(caplog) == ["401", "401"]
    no_secret(result, creds)


def test_an_allowed_request_is_sent_once(caplog):
    creds = Creds.fresh()
    caplog.set_level(logging.INFO, logger="provisioner.sandbox")
    with sandbox_with(creds) as sb:
        assert run(sb, creds).outcome is Outcome.OK
    assert statuses(caplog) == ["200"]


def test_the_recheck_signs_with_throwaway_secrets_only():
    creds = Creds.fresh().oauth1("HMAC-SHA256")
    first, second = throwaway(creds), throwaway(creds)
    real = {creds.consumer_secret.get_secret_value(), creds.token_secret.get_secret_value()}  # type: ignore[union-attr]
    for fake in (first, second):
        assert (fake.consumer_key, fake.access_token, fake.signature_method) == (
            creds.consumer_key, creds.access_token, creds.signature_method)
        drawn = {fake.consumer_secret.get_secret_value(), fake.token_secret.get_secret_value()}  # type: ignore[union-attr]
        assert not drawn & real
    assert first.consumer_secret != second.consumer_secret
    rsa = Creds.fresh().oauth1("RSA-SHA256")
    assert throwaway(rsa).private_key != rsa.private_key


def test_a_clock_ahead_gets_magentos_nonce_error_and_the_clock_hint():
    creds = Creds.fresh()
    with sandbox_with(creds, clock_offset_seconds=-3600) as sb:  # the store's clock an hour behind
        result = run(sb, creds)
    assert (result.outcome, result.status_code) == (Outcome.UNAUTHORIZED, 401)
    assert result.message == "An error occurred validating the nonce"
    assert result.hint is not None and "ahead" in result.hint and "NTP" in result.hint
    assert re.search(r"about 36\d\d s ahead|about 3599 s ahead", result.hint), result.hint


def test_a_clock_behind_is_accepted():
    creds = Creds.fresh()
    with sandbox_with(creds, clock_offset_seconds=3600) as sb:  # the store's clock an hour ahead
        assert run(sb, creds).outcome is Outcome.OK


def test_a_failing_nonce_table_is_not_blamed_on_the_clock():
    creds = Creds.fresh()
    with sandbox_with(creds, nonce_storage_fails=True) as sb:
        result = run(sb, creds)
    assert (result.outcome, result.message) == (Outcome.UNAUTHORIZED, "An error occurred validating the nonce")
    assert result.hint is not None and "oauth_nonce" in result.hint and "failed to check or store" in result.hint


def test_a_ping_path_without_its_argument_is_missing_argument_not_refused_credentials():
    creds = Creds.fresh()
    with sandbox_with(creds) as sb:
        bare = run(sb, creds, "/V1/products")
        given = run(sb, creds, "/V1/products?searchCriteria[pageSize]=1")
    assert (bare.outcome, bare.status_code) == (Outcome.MISSING_ARGUMENT, 400)
    assert bare.message == '"searchCriteria" is required. Enter and try again.'
    assert bare.hint is not None and "searchCriteria[pageSize]=1" in bare.hint and "authenticated" in bare.hint
    assert given.outcome is Outcome.OK


def test_the_acl_check_comes_before_the_argument_check():
    creds = Creds.fresh()
    with sandbox_with(creds, resources=(STORE,)) as sb:
        result = run(sb, creds, "/V1/products")
    assert result.outcome is Outcome.NOT_PERMITTED
    assert result.message == "The consumer isn't authorized to access Magento_Catalog::products."


@pytest.mark.parametrize(("front", "status", "needle"), [
    (Front.BASIC_AUTH, 401, "WWW-Authenticate: Basic realm=\"Restricted\""),
    (Front.WAF, 403, "firewall"),
])
def test_basic_auth_or_a_firewall_in_front_is_blocked_not_the_storefront(front, status, needle):
    creds = Creds.fresh()
    with sandbox_with(creds, front=front) as sb:
        result = run(sb, creds)
    assert (result.outcome, result.status_code) == (Outcome.BLOCKED, status)
    assert result.hint is not None and needle in result.hint and "storefront" not in result.hint
    if front is Front.BASIC_AUTH:
        assert "cannot share one Authorization header" in result.hint


def test_the_sandbox_answers_each_scenario_as_magento_or_apache_does():
    """Status, content type and body on the wire, before any classification."""
    creds = Creds.fresh()
    auth = oauth1_auth(creds.oauth1("HMAC-SHA256"))
    with sandbox_with(creds) as sb:
        bare = requests.get(sb.base_uri + "/V1/products", auth=auth, timeout=5)
        snake = requests.get(sb.base_uri + "/V1/products?search_criteria[page_size]=1", auth=auth, timeout=5)
    assert (bare.status_code, bare.json()) == (400, {"message": '"%fieldName" is required. Enter and try again.',
                                                    "parameters": {"fieldName": "searchCriteria"}})
    assert snake.ok  # ServiceInputProcessor::process also takes the snake_case name
    with sandbox_with(creds, strip_authorization=True) as sb:
        stripped = requests.get(sb.base_uri + "/V1/store/storeConfigs", auth=auth, timeout=5)
    assert (stripped.status_code, stripped.json()) == (401, {
        "message": "The consumer isn't authorized to access %resources.", "parameters": {"resources": STORE}})
    with sandbox_with(creds, nonce_storage_fails=True) as sb:
        nonce = requests.get(sb.base_uri + "/V1/store/storeConfigs", auth=auth, timeout=5)
    assert (nonce.status_code, nonce.json()) == (401, {"message": "An error occurred validating the nonce"})
    with sandbox_with(creds, front=Front.BASIC_AUTH) as sb:
        walled = requests.get(sb.base_uri + "/V1/store/storeConfigs", auth=auth, timeout=5)
    assert walled.status_code == 401 and walled.headers["WWW-Authenticate"] == 'Basic realm="Restricted"'
    assert walled.headers["Content-Type"] == "text/html; charset=iso-8859-1" and "<h1>Unauthorized</h1>" in walled.text
