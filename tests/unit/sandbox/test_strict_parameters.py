"""The sandbox's strict mode: signatures checked over the query and path as Magento reads them.

A client signing with oauthlib (RFC 5849) and a real Magento 2.4.4-2.4.6 disagree on these ping paths
(sources in provisioner/applications/magento2/query.py); strict mode (the default) refuses exactly those,
the RFC mode accepts them all.
"""

from __future__ import annotations

import time

import pytest
import requests

from provisioner.applications.magento2.query import magento_query_pairs, normalise_path_2_4_6, strnatcmp
from provisioner.probe.signing import oauth1_auth
from provisioner.sandbox import SandboxConfig, running_sandbox
from tests.support.magento import Creds

INVALID = {"message": "The signature is invalid. Verify and try again."}
# (ping path under /rest, why Magento's base string differs from oauthlib's, or "" when it does not)
PATHS = [
    ("/V1/store/storeConfigs?searchCriteria", "a pair without = is dropped"),
    ("/V1/store/storeConfigs?a=1&a=2", "a repeated name keeps its last value"),
    ("/V1/store/storeConfigs?value=a+b", "+ stays a literal plus (rawurldecode)"),
    ("/V1/store/storeConfigs?f[2]=x&f[10]=y", "strnatcmp puts [2] before [10]"),
    ("/V1/store/storeConfigs?x=a=b", "a pair with two = is dropped"),
    ("/V1/products/ABC%2F10", "2.4.6 signs %2F as /"),
    ("/V1/store/storeConfigs", ""),
    ("/V1/store/storeConfigs?searchCriteria[pageSize]=1", ""),
    ("/V1/store/storeConfigs?value=a%20b", ""),
    ("/V1/store/storeConfigs?f[2]=x&f[3]=y", ""),
    ("/V1/store/storeConfigs?a=", ""),
    ("/V1/products/ABC10", ""),
]


@pytest.fixture(scope="module")
def creds():
    return Creds.fresh()


@pytest.fixture(scope="module")
def sandboxes(creds):
    with running_sandbox(SandboxConfig((creds.integration(),))) as strict, \
            running_sandbox(SandboxConfig((creds.integration(),), strict_parameters=False)) as rfc:
        yield strict, rfc


def _get(base_uri, creds, path):
    auth = oauth1_auth(creds.oauth1("HMAC-SHA256"), timestamp=str(int(time.time())))
    return requests.get(base_uri + path, auth=auth, timeout=5)


def test_strict_is_the_default():
    assert SandboxConfig(()).strict_parameters is True


@pytest.mark.parametrize(("path", "why"), PATHS, ids=[p for p, _ in PATHS])
def test_strict_mode_refuses_what_magento_refuses(sandboxes, creds, path, why):
    strict, rfc = sandboxes
    answer = _get(strict.base_uri, creds, path)
    if why:
        assert (answer.status_code, answer.json()) == (401, INVALID), why
    else:
        assert answer.status_code == 200, answer.text
    assert _get(rfc.base_uri, creds, path).status_code == 200  # RFC 5849 agrees with oauthlib on every one


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("img12", "img10", 1), ("img2", "img10", -1), ("f%5B2%5D", "f%5B10%5D", -1), ("abc", "abd", -1),
    ("ab", "abc", -1), ("abc", "abc", 0), ("a01", "a1", -1), ("x9", "x09", 1), ("10", "9", 1),
    ("007", "7", 0), ("oauth_nonce", "oauth_token", -1), ("B", "a", -1),
])
def test_strnatcmp_is_phps(a, b, expected):
    assert strnatcmp(a, b) == expected
    assert strnatcmp(b, a) == -expected


@pytest.mark.parametrize(("query", "pairs"), [
    ("", {}), ("a=1", {"a": "1"}), ("a=1&a=2", {"a": "2"}), ("a", {}), ("a=b=c", {}), ("a=", {"a": ""}),
    ("v=a+b", {"v": "a+b"}), ("v=a%20b", {"v": "a b"}), ("oauth_token=x&b=1", {"b": "1"}), ("&&a=1&", {"a": "1"}),
    ("f%5B1%5D=x", {"f[1]": "x"}),
])
def test_the_query_as_magento_reads_it(query, pairs):
    assert magento_query_pairs(query) == pairs


@pytest.mark.parametrize(("path", "normalised"), [
    ("/V1/products/ABC%2F10", "/V1/products/ABC/10"), ("/V1/products/a%2fb", "/V1/products/a/b"),
    ("/V1/products/%41", "/V1/products/A"), ("/V1/products/a%3Fb", "/V1/products/a%3Fb"),
    ("/V1/products/a%3fb", "/V1/products/a%3Fb"), ("/V1/store/storeConfigs", "/V1/store/storeConfigs"),
])
def test_the_path_as_magento_2_4_6_normalises_it(path, normalised):
    assert normalise_path_2_4_6(path) == normalised


# validate's warnings and the strict sandbox must agree: a warned ping path is refused, an unwarned one verifies.
AGREEMENT = [p for p, _ in PATHS] + [
    "/V1/store/storeConfigs?a=1&a=1", "/V1/store/storeConfigs?p9=x&p10=y", "/V1/store/storeConfigs?p1=x&p2=y",
    "/V1/store/storeConfigs?x=1&oauth_extra=2", "/V1/store/storeConfigs?x=1&xoauth_ab=2",
    "/V1/store/storeConfigs?a&b=1", "/V1/store/storeConfigs?&&b=1&", "/V1/products/%41BC", "/V1/products/AB%3F",
    "/V1/store/storeConfigs?v=%2B", "/V1/store/storeConfigs?v=caf%C3%A9", "/V1/store/storeConfigs?v=a~b",
    "/V1/store/storeConfigs?searchCriteria[filterGroups][0][filters][0][field]=sku"
    "&searchCriteria[filterGroups][0][filters][0][value]=x",
]


@pytest.mark.parametrize("path", AGREEMENT)
def test_validate_warns_exactly_where_the_strict_sandbox_refuses(sandboxes, creds, path):
    from provisioner.applications.magento2.ping_path import ping_path_findings

    strict, _ = sandboxes
    refused = _get(strict.base_uri, creds, path).status_code == 401
    assert refused == bool(ping_path_findings(path)), [f.code for f in ping_path_findings(path)]
