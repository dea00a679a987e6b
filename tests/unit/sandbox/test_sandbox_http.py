"""The sandbox over real HTTP with plain requests: replay, timestamps as Magento checks them, routes, pages, logs."""

from __future__ import annotations

import logging
import time

import pytest
import requests

from provisioner.probe.signing import oauth1_auth
from provisioner.sandbox import SandboxConfig, running_sandbox
from tests.support.magento import Creds


@pytest.fixture(scope="module")
def creds():
    return Creds.fresh()


@pytest.fixture(scope="module")
def sandbox(creds):
    with running_sandbox(SandboxConfig((creds.integration(),))) as sb:
        yield sb


def _get(sandbox, auth, path="/V1/store/storeConfigs"):
    return requests.get(sandbox.base_uri + path, auth=auth, timeout=5)


def test_replayed_nonce_is_rejected(sandbox, creds):
    auth = oauth1_auth(creds.oauth1("HMAC-SHA256"), nonce="fixed-nonce-for-replay", timestamp=str(int(time.time())))
    first, second = _get(sandbox, auth), _get(sandbox, auth)
    assert first.status_code == 200
    assert second.status_code == 401
    # Integration/Model/Oauth/Nonce/Generator.php::validateNonce: the numeric consumer id, never the name
    assert second.json() == {"message": "The nonce is already being used by the consumer with ID %1",
                             "parameters": ["1"]}


def test_the_nonce_error_names_the_declared_consumer_id(creds):
    with running_sandbox(SandboxConfig((creds.integration(consumer_id=42),))) as sb:
        auth = oauth1_auth(creds.oauth1("HMAC-SHA256"), nonce="replayed", timestamp=str(int(time.time())))
        assert _get(sb, auth).ok
        assert _get(sb, auth).json()["parameters"] == ["42"]


@pytest.mark.parametrize("stamp", ["+700", "+86400", "0", "-5", "soon"])
def test_a_future_or_unusable_timestamp_gets_magentos_nonce_error(sandbox, creds, stamp):
    """Nonce/Generator.php::validateNonce (2.4.8): more than 600 s ahead, or (int) <= 0, is swallowed into 401
    "An error occurred validating the nonce" (never the 400 "Incorrect timestamp..." it throws inside)."""
    value = str(int(time.time()) + int(stamp)) if stamp.startswith("+") else stamp
    answer = _get(sandbox, oauth1_auth(creds.oauth1("HMAC-SHA256"), timestamp=value))
    assert answer.status_code == 401
    assert answer.json() == {"message": "An error occurred validating the nonce"}


@pytest.mark.parametrize("skew", [-601, -3600, -10 * 365 * 86400, 500])
def test_past_timestamps_are_accepted_and_future_ones_up_to_600_s(sandbox, creds, skew):
    assert _get(sandbox, oauth1_auth(creds.oauth1("HMAC-SHA256"), timestamp=str(int(time.time()) + skew))).ok


def test_unknown_route_is_magento_404_json(sandbox):
    answer = requests.get(sandbox.base_uri + "/V1/nothing", timeout=5)
    assert answer.status_code == 404
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json() == {"message": "Request does not match any route."}


def test_guest_is_not_authorized_for_store_configs(sandbox):
    answer = requests.get(sandbox.base_uri + "/V1/store/storeConfigs", timeout=5)
    assert answer.status_code == 401
    assert answer.json() == {"message": "The consumer isn't authorized to access %resources.",
                             "parameters": {"resources": "Magento_Backend::store"}}


@pytest.mark.parametrize(("path", "status"), [("/", 200), ("/admin", 200), ("/admin/dashboard", 200), ("/x", 404)])
def test_storefront_and_admin_are_html(sandbox, path, status):
    answer = requests.get(sandbox.origin + path, timeout=5)
    assert answer.status_code == status
    assert answer.headers["Content-Type"].startswith("text/html")


def test_store_configs_body_is_magento_shaped(sandbox, creds):
    answer = _get(sandbox, oauth1_auth(creds.oauth1("HMAC-SHA256")))
    assert answer.json()[0]["code"] == "default"
    assert "base_currency_code" in answer.json()[0]


def test_log_lines_hold_method_path_status_and_consumer_key_only(sandbox, creds, caplog):
    caplog.set_level(logging.INFO, logger="provisioner.sandbox")
    _get(sandbox, oauth1_auth(creds.oauth1("HMAC-SHA256")), path="/V1/store/storeConfigs?searchCriteria=1")
    lines = [r.getMessage() for r in caplog.records if r.name == "provisioner.sandbox"]
    assert f"GET /rest/V1/store/storeConfigs 200 consumer={creds.consumer_key}" in lines
