"""Fuzz: validate's ping-path warnings and Magento's base string agree on generated queries and paths.

For each generated ping path, the probe's signer (requests-oauthlib) prepares the request; the RFC 5849
base string (what oauthlib signed: tests/unit/probe/test_vectors.py holds the two together) and
Magento's (``magento_base_string``, what the strict sandbox verifies) must differ exactly when
``validate`` warns. In process, no HTTP: a few hundred examples by default, 10,000 with PROVISIONER_LONG=1.
"""

from __future__ import annotations

import requests
from hypothesis import given
from hypothesis import strategies as st

from provisioner.applications.magento2.ping_path import ping_path_findings
from provisioner.probe.signing import oauth1_auth
from provisioner.sandbox.oauth_verify import magento_base_string, parse_authorization, signature_base_string
from tests.support.fuzz import FUZZ
from tests.support.magento import Creds

CREDS = Creds.fresh()
names = st.sampled_from(["a", "b", "p9", "p10", "f[2]", "f[10]", "f[02]", "oauth_x", "xoauth_ab", "v", "searchCriteria",
                         "searchCriteria[pageSize]", "%5Bx%5D", "a%26b"])
values = st.sampled_from(["1", "", "a+b", "a%20b", "x=y", "%2B", "caf%C3%A9", "~", "10", "2"])
pairs = st.one_of(st.tuples(names, values).map(lambda p: f"{p[0]}={p[1]}"), names, st.just(""))
queries = st.lists(pairs, max_size=5).map("&".join)
paths = st.sampled_from(["/V1/store/storeConfigs", "/V1/products/ABC%2F10", "/V1/products/A%3AB", "/V1/products/%41B",
                         "/V1/products/a%3Fb", "/V1/products/a%23b"])


@FUZZ
@given(paths, queries)
def test_warned_exactly_when_magento_signs_differently(path, query):
    ping = f"{path}?{query}" if query else path
    prepared = requests.Request("GET", "http://shop.test/rest" + ping).prepare()
    signed = oauth1_auth(CREDS.oauth1("HMAC-SHA256"))(prepared)
    header = signed.headers["Authorization"]
    params = parse_authorization(header.decode() if isinstance(header, bytes) else header)
    assert params is not None
    rfc = signature_base_string("GET", signed.url, params)
    magento = magento_base_string("GET", signed.url, params)
    codes = [f.code for f in ping_path_findings(ping)]
    assert (rfc != magento) == bool(codes), (codes, rfc, magento)
