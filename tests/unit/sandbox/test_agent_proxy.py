"""The demo's on-premise agent stand-in: routes by host name, keeps the Host header, 502 otherwise."""

from __future__ import annotations

import pytest
import requests
from pydantic import SecretStr

from provisioner.sandbox import Integration, MagentoVersion, SandboxConfig, running_sandbox
from provisioner.sandbox.agent_proxy import parse_route, running_agent_proxy


def test_parse_route() -> None:
    assert parse_route("Magento.DC1.internal=127.0.0.1:18089") == ("magento.dc1.internal", ("127.0.0.1", 18089))
    assert parse_route("h=[::1]:80") == ("h", ("::1", 80))
    for bad in ("h", "h=127.0.0.1", "=127.0.0.1:1", "h=:1", "h=127.0.0.1:x"):
        with pytest.raises(ValueError, match="HOST=ADDRESS:PORT"):
            parse_route(bad)


def test_forwards_a_routed_host_to_the_sandbox_and_refuses_others() -> None:
    guest = Integration(name="x", consumer_key="k" * 32, access_token=SecretStr("t" * 32))
    with running_sandbox(SandboxConfig(integrations=(guest,), magento=MagentoVersion.ANY)) as sandbox, \
            running_agent_proxy({"shop.dc1.internal": ("127.0.0.1", sandbox.port)}) as proxy:
        proxies = {"http": proxy}
        answer = requests.get("http://shop.dc1.internal/rest/V1/store/storeConfigs", proxies=proxies, timeout=5)
        assert answer.status_code == 401  # the sandbox answered: a guest is not authorized
        assert "isn't authorized" in answer.json()["message"]
        html = requests.get("http://shop.dc1.internal/", proxies=proxies, timeout=5)
        assert html.status_code == 200 and "text/html" in html.headers["Content-Type"]
        refused = requests.get("http://elsewhere.internal/rest/V1/store/storeConfigs", proxies=proxies, timeout=5)
        assert refused.status_code == 502
        assert "no route to elsewhere.internal" in refused.text
