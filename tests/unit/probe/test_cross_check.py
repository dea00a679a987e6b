"""Client and sandbox agree on arbitrary requests: oauthlib signs, the independent verifier checks."""

from __future__ import annotations

from urllib.parse import urlencode

import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from provisioner.declarations.models import SignatureMethod
from provisioner.probe.signing import oauth1_auth
from provisioner.probe.target import OAuth1Credentials
from provisioner.sandbox import oauth_verify as server
from tests.support.magento import key_pair

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)
# A realm is a quoted string in the header: declarations may not hold '"', '\\' or control characters.
realms = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters='"\\'),
                 min_size=1, max_size=12)
params = st.lists(st.tuples(text, st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                                          max_size=12)), max_size=4)


@settings(max_examples=40, deadline=None)
@given(method=st.sampled_from(list(SignatureMethod)), query=params, secret=text, token_secret=text,
       realm=st.one_of(st.none(), realms))
def test_every_method_verifies_on_the_other_side(method, query, secret, token_secret, realm):
    keys = key_pair()
    creds = OAuth1Credentials(
        consumer_key="ck", signature_method=method, access_token=SecretStr("tok"),
        consumer_secret=SecretStr(secret), token_secret=SecretStr(token_secret),
        private_key=SecretStr(keys.private_pem), realm=realm,
    )
    url = "http://127.0.0.1:8080/rest/V1/store/storeConfigs" + ("?" + urlencode(query) if query else "")
    prepared = requests.Request("GET", url, auth=oauth1_auth(creds)).prepare()
    header = prepared.headers["Authorization"]
    parsed = server.parse_authorization(header.decode() if isinstance(header, bytes) else header)
    assert parsed is not None
    base = server.signature_base_string("GET", str(prepared.url), parsed)
    public = server.load_public_key(keys.public_pem) if method.is_rsa else None
    assert server.verify_signature(method.value, base, parsed["oauth_signature"], consumer_secret=secret,
                                   token_secret=token_secret, public_key=public)
    assert not server.verify_signature(method.value, base + "x", parsed["oauth_signature"],
                                       consumer_secret=secret, token_secret=token_secret + "x", public_key=public)
