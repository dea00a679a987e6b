"""The contract server itself behaves as the contract says: auth, masking, PUT replaces, pages, 204, ping."""

from __future__ import annotations

import pytest
import requests

from provisioner.sandbox import SandboxConfig, running_sandbox
from tests.support.integratorio_server import MASK, running_integratorio
from tests.support.magento import Creds


@pytest.fixture
def iio():
    with running_integratorio() as (server, account):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {account.token}"
        yield server, account, session


def oauth1_doc(base_uri: str, creds: Creds, **oauth1: str) -> dict:
    values = {"signatureMethod": "hmac-sha256", "consumerKey": creds.consumer_key, "consumerSecret":
              creds.consumer_secret, "accessToken": creds.access_token, "tokenSecret": creds.token_secret} | oauth1
    return {"name": "shop", "type": "http", "http": {
        "baseURI": base_uri, "mediaType": "json", "ping": {"relativeURI": "/V1/store/storeConfigs", "method": "GET"},
        "auth": {"type": "oauth1", "oauth": {"oauth1": values}}}}


def test_a_wrong_token_is_401_and_token_info_answers_the_user(iio):
    server, _, session = iio
    assert requests.get(server.origin + "/v1/tokenInfo", headers={"Authorization": "Bearer nope"},
                        timeout=5).status_code == 401
    assert "_userId" in session.get(server.origin + "/v1/tokenInfo", timeout=5).json()


def test_secrets_are_masked_on_every_read_and_put_replaces(iio):
    server, account, session = iio
    creds = Creds.fresh("CANARY")
    assert session.get(server.origin + "/v1/connections", timeout=5).status_code == 204
    created = session.post(server.origin + "/v1/connections", json=oauth1_doc("http://shop/rest", creds), timeout=5)
    assert created.status_code == 201
    cid = created.json()["_id"]
    for text in (created.text, session.get(f"{server.origin}/v1/connections/{cid}", timeout=5).text,
                 session.get(server.origin + "/v1/connections", timeout=5).text):
        assert creds.consumer_secret not in text and creds.access_token not in text and MASK in text
    replaced = session.put(f"{server.origin}/v1/connections/{cid}", json={"name": "n", "type": "http"}, timeout=5)
    assert replaced.status_code == 422 and replaced.json()["errors"][0]["field"] == "http"
    doc = oauth1_doc("http://shop/rest", creds)
    del doc["http"]["ping"]
    assert session.put(f"{server.origin}/v1/connections/{cid}", json=doc, timeout=5).status_code == 200
    assert "ping" not in account.stored(cid)["http"]  # a full replace


def test_lists_page_with_link_next(iio):
    server, _, session = iio
    creds = Creds.fresh()
    for _ in range(5):
        session.post(server.origin + "/v1/connections", json=oauth1_doc("http://shop/rest", creds), timeout=5)
    url, seen = server.origin + "/v1/connections", 0
    while url:
        page = session.get(url, timeout=5)
        seen += len(page.json())
        url = page.links.get("next", {}).get("url")
    assert seen == 5


def test_ping_calls_the_shop_and_answers_200_with_errors_on_failure(iio):
    server, _, session = iio
    creds = Creds.fresh()
    with running_sandbox(SandboxConfig((creds.integration(),))) as sb:
        good = session.post(server.origin + "/v1/connections/ping", json=oauth1_doc(sb.base_uri, creds), timeout=10)
        bad = session.post(server.origin + "/v1/connections/ping",
                           json=oauth1_doc(sb.base_uri, creds, tokenSecret="wrong" * 6), timeout=10)
    assert good.status_code == 200 and good.json() == {"code": 200}
    assert bad.status_code == 200 and bad.json()["errors"][0]["code"] == 401


def test_injected_429_carries_retry_after(iio):
    server, account, session = iio
    account.inject(429, retry_after=3)
    first = session.get(server.origin + "/v1/tokenInfo", timeout=5)
    assert first.status_code == 429 and first.headers["Retry-After"] == "3"
    assert session.get(server.origin + "/v1/tokenInfo", timeout=5).status_code == 200
