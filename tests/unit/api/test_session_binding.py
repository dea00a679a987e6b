"""The session's URL binding and what its repr, vars and auth show (no network: nothing is sent)."""

from __future__ import annotations

import pytest
import requests
from pydantic import SecretStr

from provisioner.api import ConnectionSession, ForeignUrlError, SigningError
from provisioner.applications.magento2.application import MAGENTO2
from provisioner.declarations.base import SignatureMethod
from provisioner.probe.target import BearerCredentials, OAuth1Credentials, ProbeTarget

SECRETS = ("CANARYconsumersecret0123456789ab", "CANARYaccesstoken0123456789abcde", "CANARYtokensecret0123456789abcdef")


def session(base_uri="https://shop.example.com/rest/", credentials=None, **settings):
    credentials = credentials or OAuth1Credentials(
        consumer_key="key", signature_method=SignatureMethod.HMAC_SHA256, consumer_secret=SecretStr(SECRETS[0]),
        access_token=SecretStr(SECRETS[1]), token_secret=SecretStr(SECRETS[2]))
    target = ProbeTarget(name="shop", base_uri=base_uri, credentials=credentials, ping_path="/V1/x",
                         classify=MAGENTO2.classify, **settings)
    return ConnectionSession(target)


@pytest.mark.parametrize(("url", "resolved"), [
    ("/V1/store/storeConfigs", "https://shop.example.com/rest/V1/store/storeConfigs"),
    ("V1/store/storeConfigs", "https://shop.example.com/rest/V1/store/storeConfigs"),
    ("https://shop.example.com/rest/V1/x?a=1", "https://shop.example.com/rest/V1/x?a=1"),
    ("https://SHOP.example.com:443/rest", "https://SHOP.example.com:443/rest"),
])
def test_urls_under_the_base_uri(url, resolved):
    assert session().url_for(url) == resolved


@pytest.mark.parametrize("url", [
    "https://evil.example.com/rest/V1/x", "http://shop.example.com/rest/V1/x", "https://shop.example.com:8443/rest",
    "https://shop.example.com/restless", "https://shop.example.com/admin", "//evil.example.com/rest",
    "https://shop.example.com.evil.example/rest", "https://shop.example.com:99999/rest",
])
def test_urls_elsewhere_are_refused(url):
    with pytest.raises(ForeignUrlError):
        session().url_for(url)


def test_settings_from_the_target():
    s = session(timeout_seconds=12.5, verify_tls=True, ca_bundle="/etc/ca.pem", proxy_url="http://agent:3128")
    assert s.default_timeout == 12.5 and s.verify == "/etc/ca.pem" and s.trust_env is False
    assert s.proxies == {"http": "http://agent:3128", "https": "http://agent:3128"}
    assert session(verify_tls=False, ca_bundle="/etc/ca.pem").verify is False


@pytest.mark.parametrize("credentials", [None, BearerCredentials(SecretStr(SECRETS[1]))])
def test_nothing_shows_a_secret_but_the_request_is_signed(credentials):
    s = session(credentials=credentials)
    shown = [repr(s), repr(vars(s)), repr(s.auth), repr(vars(s.auth)), str(s.__dict__)]
    assert not [x for x in shown for secret in SECRETS if secret in x]
    prepared = s.prepare_request(requests.Request("GET", s.url_for("/V1/x")))
    header = prepared.headers["Authorization"]
    header = header.decode() if isinstance(header, bytes) else header
    assert header.startswith("Bearer " if credentials else "OAuth ")


def test_a_request_that_cannot_be_signed_raises_without_the_key():
    bad = OAuth1Credentials(consumer_key="key", signature_method=SignatureMethod.RSA_SHA256,
                            access_token=SecretStr(SECRETS[1]), private_key=SecretStr("CANARY-not-a-pem-key"))
    s = session(credentials=bad)
    with pytest.raises(SigningError) as failed:
        s.prepare_request(requests.Request("GET", s.url_for("/V1/x")))
    assert failed.value.__context__ is None and failed.value.__cause__ is None
    assert "CANARY" not in str(failed.value) + repr(failed.value)
