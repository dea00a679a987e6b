"""Every outcome class other than the credential ones: versions, permissions, paths, pages, faults."""

from __future__ import annotations

import socket

import pytest

from provisioner.probe import Outcome, UnreachableReason, probe
from provisioner.sandbox import Faults, MagentoVersion, SandboxConfig, running_sandbox
from tests.support.magento import target


def test_magento_2_4_4_refuses_hmac_sha1_as_unsupported_method(pool, creds):
    with running_sandbox(SandboxConfig((creds.integration(),), magento=MagentoVersion.V2_4_4)) as sb:
        sha1 = probe(target(sb.base_uri, creds.oauth1("HMAC-SHA1")), pool)
        sha256 = probe(target(sb.base_uri, creds.oauth1("HMAC-SHA256")), pool)
    assert sha1.outcome is Outcome.UNSUPPORTED_METHOD
    assert sha1.status_code == 400
    assert sha1.message == "Signature method HMAC-SHA1 is not supported"
    assert "HMAC-SHA256" in (sha1.hint or "")
    assert sha256.ok


@pytest.mark.parametrize(("method", "accepted"), [
    ("HMAC-SHA1", True), ("HMAC-SHA256", True), ("HMAC-SHA512", False), ("RSA-SHA1", False), ("PLAINTEXT", False),
])
def test_magento_2_4_3_accepts_hmac_sha1_and_sha256_only(pool, creds, method, accepted):
    with running_sandbox(SandboxConfig((creds.integration(),), magento=MagentoVersion.V2_4_3)) as sb:
        result = probe(target(sb.base_uri, creds.oauth1(method)), pool)
    assert result.outcome is (Outcome.OK if accepted else Outcome.UNSUPPORTED_METHOD)


def test_missing_permission_is_not_permitted(pool, creds):
    integration = creds.integration(allowed_resources=("Magento_Catalog::products",))
    with running_sandbox(SandboxConfig((integration,))) as sb:
        result = probe(target(sb.base_uri, creds.oauth1("HMAC-SHA256")), pool)
        products = probe(target(sb.base_uri, creds.oauth1("HMAC-SHA256"),
                                ping_path="/V1/products?searchCriteria[pageSize]=1"), pool)
    assert result.outcome is Outcome.NOT_PERMITTED
    assert result.status_code == 401
    assert result.message == "The consumer isn't authorized to access Magento_Backend::store."
    assert "Magento_Backend::store" in (result.hint or "")
    assert products.ok


def test_store_code_path_is_served(sandbox, pool, creds):
    result = probe(target(sandbox.base_uri, creds.oauth1("HMAC-SHA256"), ping_path="/default/V1/store/storeConfigs"),
                   pool)
    assert result.ok


def test_wrong_ping_path_is_not_found(sandbox, pool, creds):
    result = probe(target(sandbox.base_uri, creds.oauth1("HMAC-SHA256"), ping_path="/V1/no/such/route"), pool)
    assert result.outcome is Outcome.NOT_FOUND
    assert result.message == "Request does not match any route."


def test_base_uri_without_rest_is_not_found_with_the_rest_hint(sandbox, pool, creds):
    result = probe(target(sandbox.origin, creds.oauth1("HMAC-SHA256")), pool)
    assert result.outcome is Outcome.NOT_FOUND
    assert "/rest" in (result.hint or "")


@pytest.mark.parametrize(("suffix", "ping"), [("/admin", "/V1/store/storeConfigs"), ("", "/")])
def test_html_page_is_not_api(sandbox, pool, creds, suffix, ping):
    result = probe(target(sandbox.origin + suffix, creds.oauth1("HMAC-SHA256"), ping_path=ping), pool)
    assert result.outcome is Outcome.NOT_API
    assert result.status_code == 200
    assert "text/html" in (result.message or "")


def test_closed_port_is_unreachable_refused(pool, creds):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = probe(target(f"http://127.0.0.1:{port}/rest", creds.oauth1("HMAC-SHA256")), pool)
    assert (result.outcome, result.reason) == (Outcome.UNREACHABLE, UnreachableReason.REFUSED)
    assert result.label == "unreachable (refused)"


def test_unresolvable_host_is_unreachable_dns(pool, creds):
    result = probe(target("http://magento.provisioner-test.invalid/rest", creds.oauth1("HMAC-SHA256")), pool)
    assert (result.outcome, result.reason) == (Outcome.UNREACHABLE, UnreachableReason.DNS)
    assert "magento.provisioner-test.invalid" in (result.message or "")


def test_self_signed_tls_without_ca_bundle_is_unreachable_tls(pool, creds):
    with running_sandbox(SandboxConfig((creds.integration(),), tls=True)) as sb:
        result = probe(target(sb.base_uri, creds.oauth1("HMAC-SHA256")), pool)
        trusted = probe(target(sb.base_uri, creds.oauth1("HMAC-SHA256"), ca_bundle=str(sb.ca_file)), pool)
        unverified = probe(target(sb.base_uri, creds.oauth1("HMAC-SHA256"), verify_tls=False), pool)
    assert (result.outcome, result.reason) == (Outcome.UNREACHABLE, UnreachableReason.TLS)
    assert "certificate verify failed" in (result.message or "")
    assert "caBundle" in (result.hint or "")
    assert trusted.ok
    assert unverified.ok


def test_plaintext_over_https_with_the_sandbox_ca_passes(pool, creds):
    with running_sandbox(SandboxConfig((creds.integration(),), tls=True)) as sb:
        assert sb.base_uri.startswith("https://")
        result = probe(target(sb.base_uri, creds.oauth1("PLAINTEXT"), ca_bundle=str(sb.ca_file)), pool)
    assert result.outcome is Outcome.OK


def test_injected_delay_beyond_the_timeout_is_unreachable_timeout(pool, creds):
    integration = creds.integration(faults=Faults(delay_ms=1500))
    with running_sandbox(SandboxConfig((integration,))) as sb:
        result = probe(target(sb.base_uri, creds.oauth1("HMAC-SHA256"), timeout_seconds=0.3), pool)
    # a timeout, not the answer that arrives after 1.5 s: the test did not wait for it
    assert (result.outcome, result.reason) == (Outcome.UNREACHABLE, UnreachableReason.TIMEOUT)


def test_dropped_connection_is_unreachable_dropped(pool, creds):
    with running_sandbox(SandboxConfig((creds.integration(),), faults=Faults(drop=True))) as sb:
        result = probe(target(sb.base_uri, creds.oauth1("HMAC-SHA256")), pool)
    assert (result.outcome, result.reason) == (Outcome.UNREACHABLE, UnreachableReason.DROPPED)


@pytest.mark.parametrize("status", [500, 503])
def test_injected_error_status_is_server_error(pool, creds, status):
    integration = creds.integration(faults=Faults(status=status))
    with running_sandbox(SandboxConfig((integration,))) as sb:
        result = probe(target(sb.base_uri, creds.oauth1("HMAC-SHA256")), pool)
    assert result.outcome is Outcome.SERVER_ERROR
    assert result.status_code == status
