"""Magento warnings of `validate`, table-driven, each at its field's line:column.

Signature methods no Magento verifies, base URIs Magento does not serve the REST API under, and ping
paths that sign fine with oauthlib but fail on a real store (provisioner/applications/magento2/query.py
has the Magento source of each).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.declarations.samples import METHODS, connection, dump, line_of, token_connection, validate_text

MAGENTO_CODES = ("check.magento-signature", "check.base-uri-admin", "check.base-uri-v1", "check.base-uri-rest",
                 "check.ping-path-pair", "check.ping-path-duplicate", "check.ping-path-plus", "check.ping-path-order",
                 "check.ping-path-encoded", "check.ping-path-oauth")


def _found(tmp_path: Path, doc: dict[str, object], key: str) -> tuple[list[tuple[str, int, int]], list[str], str]:
    text = dump(doc)
    result = validate_text(tmp_path, text)
    assert result.ok, [d.message for d in result.diagnostics.errors]
    found = [d for d in result.diagnostics.warnings if d.code in MAGENTO_CODES]
    line = line_of(text, f"{key}:")
    column = text.splitlines()[line - 1].index(key) + 1
    where = [(d.code, d.source.line if d.source else 0, d.source.column if d.source else 0) for d in found]
    return where, [f"{d.message} / {d.hint}" for d in found], f"{line}:{column}"


SIGNATURES = [
    ("HMAC-SHA256", None),
    ("HMAC-SHA1", "2.4.3 and earlier"),
    ("HMAC-SHA512", "no Magento 2 version verifies HMAC-SHA512"),
    ("RSA-SHA1", "no Magento 2 version verifies RSA-SHA1"),
    ("RSA-SHA256", "no Magento 2 version verifies RSA-SHA256"),
    ("RSA-SHA512", "no Magento 2 version verifies RSA-SHA512"),
    ("PLAINTEXT", "no Magento 2 version verifies PLAINTEXT"),
]


def test_the_table_covers_every_method() -> None:
    assert sorted(m for m, _ in SIGNATURES) == sorted(METHODS)


@pytest.mark.parametrize(("method", "says"), SIGNATURES, ids=[m for m, _ in SIGNATURES])
def test_signature_methods_magento_does_not_verify(tmp_path: Path, method: str, says: str | None) -> None:
    where, texts, at = _found(tmp_path, connection(method), "signatureMethod")
    if says is None:
        assert where == []
        return
    assert [(c, f"{line}:{col}") for c, line, col in where] == [("check.magento-signature", at)]
    assert says in texts[0] and "HMAC-SHA256" in texts[0]
    if method != "HMAC-SHA1":
        assert "the connection test will fail" in texts[0]


BASE_URIS = [
    ("https://shop.example.com/rest", None),
    ("https://shop.example.com/rest/", None),
    ("https://shop.example.com/rest/default", None),
    ("https://shop.example.com/rest/all", None),
    ("https://shop.example.com/index.php/rest", None),
    ("https://shop.example.com/shop/rest/de_ch", None),
    ("https://shop.example.com/admin", "check.base-uri-admin"),
    ("https://shop.example.com/admin/", "check.base-uri-admin"),
    ("https://shop.example.com/admin_1qx7ab", "check.base-uri-admin"),
    ("https://shop.example.com/backend/rest", "check.base-uri-admin"),
    ("https://shop.example.com/rest/V1", "check.base-uri-v1"),
    ("https://shop.example.com/rest/default/V1/", "check.base-uri-rest"),
    ("https://shop.example.com", "check.base-uri-rest"),
    ("https://shop.example.com/api", "check.base-uri-rest"),
    ("https://shop.example.com/rest/V1/store", "check.base-uri-rest"),
    ("https://shop.example.com/rest/1de", "check.base-uri-rest"),
]


@pytest.mark.parametrize(("uri", "code"), BASE_URIS, ids=[u for u, _ in BASE_URIS])
def test_base_uris(tmp_path: Path, uri: str, code: str | None) -> None:
    for doc in (connection(), token_connection()):
        doc["spec"]["auth"]["baseUri"] = uri
        where, texts, at = _found(tmp_path, doc, "baseUri")
        assert [(c, f"{line}:{col}") for c, line, col in where] == ([(code, at)] if code else []), texts
        if code:
            assert "e.g. https://shop.example.com/rest" in texts[0]


PING_PATHS = [
    ("/V1/store/storeConfigs", [], ""),
    ("/V1/products?searchCriteria[pageSize]=1", [], ""),
    ("/V1/products?searchCriteria", ["check.ping-path-pair"], "has no `=`"),
    ("/V1/products?a=b=c", ["check.ping-path-pair"], "more than one `=`"),
    ("/V1/products?a=1&a=2", ["check.ping-path-duplicate"], "keeps only its last value"),
    ("/V1/products?a=1&a=2&a=3&b=1&b=2", ["check.ping-path-duplicate"] * 2, "`a` appears more than once"),
    ("/V1/products?searchCriteria[filterGroups][0][filters][0][value]=a+b", ["check.ping-path-plus"], "%20"),
    ("/V1/products?value=a%20b", [], ""),
    ("/V1/products?f[filters][2][field]=sku&f[filters][10][field]=name", ["check.ping-path-order"],
     "natural order (`f[filters][2][field]` before `f[filters][10][field]`)"),
    ("/V1/products?f[filters][2][field]=sku&f[filters][3][field]=name", [], ""),
    ("/V1/products/ABC%2F10", ["check.ping-path-encoded"], "`%2F`"),
    ("/V1/products/ABC%3F10", [], ""),
    ("/V1/products/%41BC", [], ""),  # requests sends it as /V1/products/ABC
    ("/V1/products?x=1&oauth_extra=2", ["check.ping-path-oauth"], "`oauth_extra`"),
    ("/V1/products?a&a=1&b=x+y", ["check.ping-path-pair", "check.ping-path-plus"], "has no `=`"),
]


@pytest.mark.parametrize(("ping", "codes", "says"), PING_PATHS, ids=[p for p, _, _ in PING_PATHS])
def test_ping_paths_that_fail_on_a_real_store(tmp_path: Path, ping: str, codes: list[str], says: str) -> None:
    doc = connection()
    doc["spec"]["advanced"] = {"pingPath": ping}
    where, texts, at = _found(tmp_path, doc, "pingPath")
    assert [(c, f"{line}:{col}") for c, line, col in where] == [(c, at) for c in codes], texts
    if codes:
        assert says in texts[0]
        assert "The signature is invalid" in texts[0] and " / " in texts[0]  # the reason, then the way out


def test_a_bearer_token_connection_signs_nothing_so_its_query_is_fine(tmp_path: Path) -> None:
    doc = token_connection()
    doc["spec"]["advanced"] = {"pingPath": "/V1/products?searchCriteria&a=1&a=2"}
    where, _, _ = _found(tmp_path, doc, "pingPath")
    assert where == []
