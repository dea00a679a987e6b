"""Revoked access tokens and inactive integrations, as Magento 2.4 answers them (authenticate.py cites the source).

Over real HTTP: the integrations file's ``revoked``/``status``, the order of the checks, bearer tokens, a
running sandbox that revokes or deactivates, and what the probe makes of each answer.
"""

from __future__ import annotations

import dataclasses

import pytest
import requests

from provisioner.applications.magento2 import errors as me
from provisioner.applications.magento2.responses import PERMISSION_HINT, REVOKED_HINT
from provisioner.errors import ConfigError
from provisioner.probe import Outcome, SessionPool, probe
from provisioner.probe.signing import oauth1_auth
from provisioner.sandbox import MagentoVersion, SandboxConfig, load_integrations, running_sandbox
from provisioner.sandbox.integrations import Integration
from tests.support.magento import Creds, target, token

STORE = "/V1/store/storeConfigs"
NOT_AUTHORIZED = {"message": me.NOT_AUTHORIZED, "parameters": {"resources": "Magento_Backend::store"}}


def get(sandbox, auth, path=STORE):
    return requests.get(sandbox.base_uri + path, auth=auth, timeout=5)


def signed(creds: Creds, **overrides):
    return oauth1_auth(creds.oauth1("HMAC-SHA256", **overrides))


def bearer(value: str):
    def sign(request):
        request.headers["Authorization"] = f"Bearer {value}"
        return request
    return sign


@pytest.fixture
def two():
    return Creds.fresh(), Creds.fresh()


def serve(*integrations: Integration, magento=MagentoVersion.V2_4_4):
    return running_sandbox(SandboxConfig(tuple(integrations), magento=magento))


def test_a_revoked_token_gets_magentos_401_before_the_signature_is_checked(two):
    erp, _ = two
    with serve(erp.integration(revoked=True)) as sb:
        good = get(sb, signed(erp))
        bad_signature = get(sb, signed(erp, token_secret=token()))
    for answer in (good, bad_signature):
        assert answer.status_code == 401
        assert answer.headers["Content-Type"].startswith("application/json")
        assert answer.json() == {"message": "Access token has been revoked"}


def test_another_integrations_token_is_not_associated_with_the_consumer(two):
    erp, pim = two
    with serve(erp.integration("erp"), pim.integration("pim")) as sb:
        answer = get(sb, signed(erp, access_token=pim.access_token))
    assert answer.status_code == 401
    assert answer.json() == {"message": "Token is not associated with the specified consumer"}


def test_an_inactive_integration_is_a_guest_once_its_signature_verified(two):
    erp, _ = two
    with serve(erp.integration(active=False)) as sb:
        verified = get(sb, signed(erp))
        bad_signature = get(sb, signed(erp, token_secret=token()))
        unknown_route = get(sb, signed(erp), "/V1/nothing")
    assert verified.status_code == 401 and verified.json() == NOT_AUTHORIZED
    assert bad_signature.status_code == 401 and bad_signature.json() == {"message": me.INVALID_SIGNATURE}
    assert unknown_route.status_code == 404  # the route is matched before anyone is authenticated


def test_bearer_tokens_revoked_are_guests_inactive_still_work(two):
    """OpaqueToken/Reader.php refuses a revoked token but finds the integration without looking at its status."""
    erp, pim = two
    revoked = erp.integration("erp", allow_bearer=True, revoked=True)
    inactive = pim.integration("pim", allow_bearer=True, active=False)
    with serve(revoked, inactive) as sb:
        refused = get(sb, bearer(erp.access_token))
        accepted = get(sb, bearer(pim.access_token))
    assert refused.status_code == 401 and refused.json() == NOT_AUTHORIZED
    assert accepted.status_code == 200


def test_a_running_sandbox_revokes_and_deactivates(two):
    erp, pim = two
    with serve(erp.integration("erp"), pim.integration("pim")) as sb:
        assert get(sb, signed(erp)).ok and get(sb, signed(pim)).ok
        sb.revoke_token("erp")
        assert get(sb, signed(erp)).json() == {"message": "Access token has been revoked"}
        assert get(sb, signed(pim)).ok  # the other integration is untouched
        sb.deactivate("pim")
        assert get(sb, signed(pim)).json() == NOT_AUTHORIZED
        assert {i.name: (i.revoked, i.active) for i in sb.integrations} == {"erp": (True, True),
                                                                             "pim": (False, False)}
        with pytest.raises(KeyError):
            sb.revoke_token("nobody")
        # what Reauthorize does: a new token (and secret) for the integration, which works again
        renewed = dataclasses.replace(erp, access_token=token(), token_secret=token())
        sb.replace_integrations((renewed.integration("erp"), pim.integration("pim")))
        assert get(sb, signed(renewed)).ok
        assert get(sb, signed(erp)).json() == {"message": me.TOKEN_NOT_FOUND}


def test_the_probe_classifies_a_revoked_token_and_an_inactive_integration(two):
    erp, pim = two
    with serve(erp.integration("erp", revoked=True), pim.integration("pim", active=False)) as sb, \
            SessionPool() as pool:
        revoked = probe(target(sb.base_uri, erp.oauth1("HMAC-SHA256"), name="erp"), pool)
        inactive = probe(target(sb.base_uri, pim.oauth1("HMAC-SHA256"), name="pim"), pool)
    assert revoked.outcome is Outcome.UNAUTHORIZED and revoked.status_code == 401
    assert revoked.message == "Access token has been revoked" and revoked.hint == REVOKED_HINT
    assert "new access token and token secret" in revoked.hint and "declaration" in revoked.hint
    assert inactive.outcome is Outcome.NOT_PERMITTED
    assert inactive.message == "The consumer isn't authorized to access Magento_Backend::store."
    assert inactive.hint == PERMISSION_HINT.format(resources="Magento_Backend::store")
    assert "Status" in inactive.hint and "Active" in inactive.hint
    for hint in (revoked.hint, inactive.hint):  # never send a user to break their credentials
        assert "re-activate" not in hint


def test_the_integrations_file_gains_revoked_and_status_and_stays_compatible(tmp_path):
    ck1, ck2, ck3 = token(), token(), token()
    path = tmp_path / "integrations.yaml"
    path.write_text(f"""integrations:
  - {{name: old, consumerKey: {ck1}, accessToken: {token()}}}
  - {{name: gone, consumerKey: {ck2}, accessToken: {token()}, revoked: true}}
  - {{name: idle, consumerKey: {ck3}, accessToken: {token()}, status: inactive}}
""")
    old, gone, idle = load_integrations(path).integrations
    assert (old.revoked, old.active) == (False, True)
    assert (gone.revoked, gone.active) == (True, True)
    assert (idle.revoked, idle.active) == (False, False)


@pytest.mark.parametrize(("extra", "expected"), [
    ("revoked: yes-canary-value", "revoked must be true or false"),
    ("status: disabled-canary-value", "status must be one of active, inactive"),
])
def test_revoked_and_status_mistakes_are_named_without_values(tmp_path, extra, expected):
    path = tmp_path / "integrations.yaml"
    path.write_text(f"- {{name: a, consumerKey: {token()}, accessToken: {token()}, {extra}}}\n")
    with pytest.raises(ConfigError) as caught:
        load_integrations(path)
    assert expected in caught.value.message and "canary-value" not in caught.value.message
