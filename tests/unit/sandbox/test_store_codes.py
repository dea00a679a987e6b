"""Store codes in REST paths, as Magento's Webapi PathProcessor routes them (source in sandbox/magento.py)."""

from __future__ import annotations

import pytest
import requests

from provisioner.sandbox import SandboxConfig, running_sandbox
from provisioner.sandbox.magento import match_route

ROUTED = [
    ("/rest/V1/store/storeConfigs", ("default",), "/V1/store/storeConfigs"),
    ("/rest/default/V1/store/storeConfigs", ("default",), "/V1/store/storeConfigs"),
    ("/rest/all/V1/store/storeViews", ("default",), "/V1/store/storeViews"),
    ("/rest/de/V1/store/storeConfigs", ("default", "de"), "/V1/store/storeConfigs"),
    ("/rest/de/V1/store/storeConfigs", ("default",), None),  # not a store: the path stays /de/V1/...
    ("/rest/admin/V1/store/storeConfigs", ("default",), None),  # getStores(false): never the admin store
    ("/rest/default/default/V1/store/storeConfigs", ("default",), None),
    ("/rest/V1/products/ABC%2F10", ("default",), "/V1/products/:sku"),
    ("/rest/V1/products/", ("default",), "/V1/products"),
    ("/rest/V1/products/a/b", ("default",), None),
    ("/rest", ("default",), None),
]


@pytest.mark.parametrize(("path", "codes", "route"), ROUTED, ids=[f"{p} {','.join(c)}" for p, c, _ in ROUTED])
def test_match_route(path, codes, route):
    found = match_route(path, codes)
    assert (found.path if found else None) == route


def test_an_undeclared_store_code_gets_magentos_404_over_http():
    with running_sandbox(SandboxConfig((), store_codes=("default", "de"))) as sb:
        unknown = requests.get(sb.base_uri + "/fr/V1/store/storeConfigs", timeout=5)
        known = requests.get(sb.base_uri + "/de/V1/store/storeConfigs", timeout=5)
    assert (unknown.status_code, unknown.json()) == (404, {"message": "Request does not match any route."})
    assert known.status_code == 401  # routed; a guest is not authorized
