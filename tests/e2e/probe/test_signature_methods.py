"""Each of the seven signature methods and bearer tokens, against the real sandbox on loopback."""

from __future__ import annotations

import pytest

from provisioner.declarations.models import SignatureMethod
from provisioner.probe import Outcome, probe
from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from tests.support.magento import Creds, key_pair, target, token

METHODS = list(SignatureMethod)
SHARED_SECRET_METHODS = [m for m in METHODS if not m.is_rsa]
RSA_METHODS = [m for m in METHODS if m.is_rsa]


@pytest.mark.parametrize("method", METHODS, ids=str)
def test_correct_credentials_pass(sandbox, pool, creds, method):
    result = probe(target(sandbox.base_uri, creds.oauth1(method)), pool)
    assert result.outcome is Outcome.OK, result
    assert result.status_code == 200
    assert result.method == method.value
    assert result.elapsed_ms > 0


@pytest.mark.parametrize("method", METHODS, ids=str)
def test_realm_is_sent_and_ignored_like_magento(sandbox, pool, creds, method):
    assert probe(target(sandbox.base_uri, creds.oauth1(method, realm="Photos")), pool).ok


@pytest.mark.parametrize("method", SHARED_SECRET_METHODS, ids=str)
@pytest.mark.parametrize("field", ["consumer_secret", "token_secret"])
def test_wrong_secret_is_unauthorized(sandbox, pool, creds, method, field):
    result = probe(target(sandbox.base_uri, creds.oauth1(method, **{field: token()})), pool)
    assert result.outcome is Outcome.UNAUTHORIZED
    assert result.status_code == 401
    assert result.message == "The signature is invalid. Verify and try again."
    assert "consumerSecret" in (result.hint or "")


@pytest.mark.parametrize("method", METHODS, ids=str)
def test_wrong_access_token_is_unauthorized(sandbox, pool, creds, method):
    result = probe(target(sandbox.base_uri, creds.oauth1(method, access_token=token())), pool)
    assert result.outcome is Outcome.UNAUTHORIZED
    assert result.message == "Specified token does not exist"
    assert "access token" in (result.hint or "")


def test_access_token_of_the_wrong_length_is_unauthorized(sandbox, pool, creds):
    result = probe(target(sandbox.base_uri, creds.oauth1("HMAC-SHA256", access_token="short-token")), pool)
    assert result.outcome is Outcome.UNAUTHORIZED
    assert result.status_code == 400
    assert "32 characters" in (result.hint or "")


@pytest.mark.parametrize("method", RSA_METHODS, ids=str)
def test_wrong_private_key_is_unauthorized(sandbox, pool, creds, method):
    other = key_pair("other").private_pem
    result = probe(target(sandbox.base_uri, creds.oauth1(method, private_key=other)), pool)
    assert result.outcome is Outcome.UNAUTHORIZED
    assert result.message == "The signature is invalid. Verify and try again."


def test_unusable_private_key_is_a_result_not_a_traceback(sandbox, pool, creds):
    result = probe(target(sandbox.base_uri, creds.oauth1("RSA-SHA256", private_key="not a key")), pool)
    assert result.outcome is Outcome.UNAUTHORIZED
    assert "consumerPrivateKey" in (result.message or "")


def test_unknown_consumer_key_is_unauthorized(sandbox, pool, creds):
    other = Creds(token(), creds.consumer_secret, creds.access_token, creds.token_secret, creds.keys)
    result = probe(target(sandbox.base_uri, other.oauth1("HMAC-SHA256")), pool)
    assert result.outcome is Outcome.UNAUTHORIZED
    assert result.message == "A consumer having the specified key does not exist"


def test_bearer_token_passes_when_allowed(sandbox, pool, creds):
    result = probe(target(sandbox.base_uri, creds.bearer()), pool)
    assert result.outcome is Outcome.OK
    assert result.method == "bearer"


def test_wrong_bearer_token_is_unauthorized_with_the_magento_setting_hint(sandbox, pool, creds):
    result = probe(target(sandbox.base_uri, creds.bearer(token())), pool)
    assert result.outcome is Outcome.UNAUTHORIZED
    assert result.message == "The consumer isn't authorized to access Magento_Backend::store."
    assert "Allow OAuth Access Tokens to be used as standalone Bearer tokens" in (result.hint or "")
    assert "Stores > Configuration > Services > OAuth > Consumer Settings" in (result.hint or "")


def test_bearer_refused_when_the_integration_does_not_allow_it(pool, creds):
    config = SandboxConfig(integrations=(creds.integration(allow_bearer=False),), magento=MagentoVersion.V2_4_4)
    with running_sandbox(config) as sb:
        result = probe(target(sb.base_uri, creds.bearer()), pool)
        assert probe(target(sb.base_uri, creds.oauth1("HMAC-SHA256")), pool).ok
    assert result.outcome is Outcome.UNAUTHORIZED
    assert "standalone Bearer tokens" in (result.hint or "")


def test_magento_2_4_3_accepts_integration_tokens_as_bearer(pool, creds):
    config = SandboxConfig(integrations=(creds.integration(allow_bearer=False),), magento=MagentoVersion.V2_4_3)
    with running_sandbox(config) as sb:
        assert probe(target(sb.base_uri, creds.bearer()), pool).ok
