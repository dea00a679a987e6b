"""Published OAuth 1.0 vectors, checked on both sides: the client (oauthlib via our signer) and the
sandbox's independent verifier, so a bug shared by the two cannot hide.

Sources: RFC 5849 §1.2 (the photos example) and §3.4.1.1 (the base string example); the
OAuth wiki's RSA-SHA1 test case (key and signature as republished by many libraries); X's
(Twitter's) "Creating a signature" worked example, whose base string it publishes.
"""

from __future__ import annotations

from urllib.parse import unquote

import requests
from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature
from pydantic import SecretStr

from provisioner.declarations.models import SignatureMethod
from provisioner.probe.signing import oauth1_auth
from provisioner.probe.target import OAuth1Credentials
from provisioner.sandbox import oauth_verify as server

RFC_BASE_STRING = (
    "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26"
    "c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26"
    "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
)
RFC_3_4_1_HEADER = {
    "realm": "Example", "oauth_consumer_key": "9djdj82h48djs9d2", "oauth_token": "kkk9d7dh3k39sjv7",
    "oauth_signature_method": "HMAC-SHA1", "oauth_timestamp": "137131201", "oauth_nonce": "7d8f3e4a",
    "oauth_signature": "djosJKDKJSD8743243/jdk33klY=",
}


def test_rfc5849_3_4_1_base_string_on_the_sandbox_side():
    url = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b"
    base = server.signature_base_string("POST", url, RFC_3_4_1_HEADER, server.form_pairs("c2&a3=2+q"))
    assert base == RFC_BASE_STRING


def test_rfc5849_3_4_1_base_string_on_the_client_side():
    params = oauthlib_signature.collect_parameters(
        uri_query="b5=%3D%253D&a3=a&c%40=&a2=r%20b", body="c2&a3=2+q",
        headers={"Authorization": 'OAuth realm="Example", ' + ", ".join(
            f'{k}="{v}"' for k, v in RFC_3_4_1_HEADER.items() if k != "realm")},
    )
    base = oauthlib_signature.signature_base_string(
        "POST", oauthlib_signature.base_string_uri("http://example.com/request"),
        oauthlib_signature.normalize_parameters(params),
    )
    assert base == RFC_BASE_STRING


# RFC 5849 §1.2: the three requests of the photos example, with the signatures the RFC prints.
RFC_1_2 = [
    ("POST", "https://photos.example.net/initiate", None,
     {"realm": "Photos", "oauth_consumer_key": "dpf43f3p2l4k3l03", "oauth_signature_method": "HMAC-SHA1",
      "oauth_timestamp": "137131200", "oauth_nonce": "wIjqoS", "oauth_callback": "http://printer.example.com/ready"},
     "74KNZJeDHnMBp0EMJ9ZHt/XKycU="),
    ("POST", "https://photos.example.net/token", "hdhd0244k9j7ao03",
     {"realm": "Photos", "oauth_consumer_key": "dpf43f3p2l4k3l03", "oauth_token": "hh5s93j4hdidpola",
      "oauth_signature_method": "HMAC-SHA1", "oauth_timestamp": "137131201", "oauth_nonce": "walatlh",
      "oauth_verifier": "hfdp7dh39dks9884"},
     "gKgrFCywp7rO0OXSjdot/IHF7IU="),
    ("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", "pfkkdhi9sl3r4s00",
     {"realm": "Photos", "oauth_consumer_key": "dpf43f3p2l4k3l03", "oauth_token": "nnch734d00sl2jdk",
      "oauth_signature_method": "HMAC-SHA1", "oauth_timestamp": "137131202", "oauth_nonce": "chapoH"},
     "MdpQcU8iPSUjWoN/UDMsK2sui9I="),
]
RFC_CONSUMER_SECRET = "kd94hf93k423kf44"


def test_rfc5849_1_2_signatures_verify_on_the_sandbox_side():
    for method, url, token_secret, params, expected in RFC_1_2:
        base = server.signature_base_string(method, url, params)
        assert server.hmac_signature("HMAC-SHA1", base, RFC_CONSUMER_SECRET, token_secret or "") == expected
        assert server.verify_signature("HMAC-SHA1", base, expected, consumer_secret=RFC_CONSUMER_SECRET,
                                       token_secret=token_secret or "")


def test_rfc5849_1_2_signatures_on_the_client_side():
    for method, url, token_secret, params, expected in RFC_1_2:
        query = url.partition("?")[2]
        collected = oauthlib_signature.collect_parameters(uri_query=query) + [
            (k, v) for k, v in params.items() if k != "realm"]
        base = oauthlib_signature.signature_base_string(
            method, oauthlib_signature.base_string_uri(url.partition("?")[0]),
            oauthlib_signature.normalize_parameters(collected))
        client = type("Client", (), {"client_secret": RFC_CONSUMER_SECRET, "resource_owner_secret": token_secret or ""})
        assert oauthlib_signature.sign_hmac_sha1_with_client(base, client) == expected


def _authorization_params(prepared: requests.PreparedRequest) -> dict[str, str]:
    header = prepared.headers["Authorization"]
    text = header.decode() if isinstance(header, bytes) else header
    parsed = server.parse_authorization(text)
    assert parsed is not None
    return parsed


X_BASE_STRING = (
    "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26"
    "oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26"
    "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26"
    "oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26"
    "status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
)
X_SIGNATURE = "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
X_CONSUMER_SECRET = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
X_TOKEN_SECRET = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"


def test_x_example_through_our_signer_and_the_sandbox_verifier():
    creds = OAuth1Credentials(
        consumer_key="xvz1evFS4wEEPTGEFPHBog", signature_method=SignatureMethod.HMAC_SHA1,
        access_token=SecretStr("370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
        consumer_secret=SecretStr(X_CONSUMER_SECRET), token_secret=SecretStr(X_TOKEN_SECRET),
    )
    url = "https://api.twitter.com/1.1/statuses/update.json?include_entities=true"
    body = {"status": "Hello Ladies + Gentlemen, a signed OAuth request!"}
    auth = oauth1_auth(creds, nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", timestamp="1318622958")
    prepared = requests.Request("POST", url, data=body, auth=auth).prepare()
    params = _authorization_params(prepared)
    assert params["oauth_signature"] == X_SIGNATURE
    body_text = prepared.body.decode() if isinstance(prepared.body, bytes) else str(prepared.body)
    base = server.signature_base_string("POST", url, params, server.form_pairs(body_text))
    assert base == X_BASE_STRING
    assert server.verify_signature("HMAC-SHA1", base, X_SIGNATURE, consumer_secret=X_CONSUMER_SECRET,
                                   token_secret=X_TOKEN_SECRET)


# The OAuth wiki's RSA-SHA1 test case (note the test case's own spelling "vacaction").
WIKI_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBALRiMLAh9iimur8V
A7qVvdqxevEuUkW4K+2KdMXmnQbG9Aa7k7eBjK1S+0LYmVjPKlJGNXHDGuy5Fw/d
7rjVJ0BLB+ubPK8iA/Tw3hLQgXMRRGRXXCn8ikfuQfjUS1uZSatdLB81mydBETlJ
hI6GH4twrbDJCR2Bwy/XWXgqgGRzAgMBAAECgYBYWVtleUzavkbrPjy0T5FMou8H
X9u2AC2ry8vD/l7cqedtwMPp9k7TubgNFo+NGvKsl2ynyprOZR1xjQ7WgrgVB+mm
uScOM/5HVceFuGRDhYTCObE+y1kxRloNYXnx3ei1zbeYLPCHdhxRYW7T0qcynNmw
rn05/KO2RLjgQNalsQJBANeA3Q4Nugqy4QBUCEC09SqylT2K9FrrItqL2QKc9v0Z
zO2uwllCbg0dwpVuYPYXYvikNHHg+aCWF+VXsb9rpPsCQQDWR9TT4ORdzoj+Nccn
qkMsDmzt0EfNaAOwHOmVJ2RVBspPcxt5iN4HI7HNeG6U5YsFBb+/GZbgfBT3kpNG
WPTpAkBI+gFhjfJvRw38n3g/+UeAkwMI2TJQS4n8+hid0uus3/zOjDySH3XHCUno
cn1xOJAyZODBo47E+67R4jV1/gzbAkEAklJaspRPXP877NssM5nAZMU0/O/NGCZ+
3jPgDUno6WbJn5cqm8MqWhW1xGkImgRk+fkDBquiq4gPiT898jusgQJAd5Zrr6Q8
AO/0isr/3aa6O6NLQxISLKcPDk2NOccAfS/xOtfOz4sJYM3+Bs4Io9+dZGSDCA54
Lw03eHTNQghS0A==
-----END PRIVATE KEY-----
"""
WIKI_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC0YjCwIfYoprq/FQO6lb3asXrx
LlJFuCvtinTF5p0GxvQGu5O3gYytUvtC2JlYzypSRjVxwxrsuRcP3e641SdASwfr
mzyvIgP08N4S0IFzEURkV1wp/IpH7kH41EtbmUmrXSwfNZsnQRE5SYSOhh+LcK2w
yQkdgcMv11l4KoBkcwIDAQAB
-----END PUBLIC KEY-----
"""
WIKI_BASE_STRING = (
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacaction.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26"
    "oauth_nonce%3D13917289812797014437%26oauth_signature_method%3DRSA-SHA1%26oauth_timestamp%3D1196666512%26"
    "oauth_version%3D1.0%26size%3Doriginal"
)
WIKI_SIGNATURE = (
    "jvTp/wX1TYtByB1m+Pbyo0lnCOLIsyGCH7wke8AUs3BpnwZJtAuEJkvQL2/9n4s5wUmUl4aCI4BwpraNx4RtEXMe5qg5T1LVTGliMRpK"
    "asKsW//e+RinhejgCuzoH26dyF8iY2ZZ/5D1ilgeijhV/vBka5twt399mXwaYdCwFYE="
)


def test_rsa_sha1_wiki_case_through_our_signer_and_the_sandbox_verifier():
    creds = OAuth1Credentials(
        consumer_key="dpf43f3p2l4k3l03", signature_method=SignatureMethod.RSA_SHA1,
        private_key=SecretStr(WIKI_PRIVATE_KEY),
    )
    url = "http://photos.example.net/photos?file=vacaction.jpg&size=original"
    auth = oauth1_auth(creds, nonce="13917289812797014437", timestamp="1196666512")
    params = _authorization_params(requests.Request("GET", url, auth=auth).prepare())
    assert params["oauth_signature"] == WIKI_SIGNATURE
    base = server.signature_base_string("GET", url, params)
    assert base == WIKI_BASE_STRING
    key = server.load_public_key(WIKI_PUBLIC_KEY)
    assert server.verify_signature("RSA-SHA1", base, WIKI_SIGNATURE, public_key=key)
    assert not server.verify_signature("RSA-SHA256", base, WIKI_SIGNATURE, public_key=key)


def test_plaintext_signature_on_both_sides():
    expected = "consumer%20test%20secret&token%20test%20secret"
    assert server.plaintext_signature("consumer test secret", "token test secret") == expected
    assert oauthlib_signature.sign_plaintext("consumer test secret", "token test secret") == expected


def test_authorization_header_parsing_decodes_values():
    parsed = server.parse_authorization('OAuth realm="Photos", oauth_signature="a%2Bb%3D", oauth_nonce="x"')
    assert parsed == {"realm": "Photos", "oauth_signature": "a+b=", "oauth_nonce": "x"}
    assert server.parse_authorization("Bearer abc") is None
    assert unquote("%7E") == "~"
    assert server.percent_encode("~-._ +!*") == "~-._%20%2B%21%2A"
