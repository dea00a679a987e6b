"""Cross-file and Magento checks: duplicates, agents, base URIs, signature and realm warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.declarations.loader import validate_paths
from tests.unit.declarations.samples import (
    HMAC_METHODS,
    METHODS,
    agent,
    connection,
    dump,
    errors,
    line_of,
    on_premise,
    validate_text,
    warnings,
    write,
)


def test_duplicate_names_across_files_name_both_positions(tmp_path: Path) -> None:
    first = write(tmp_path, dump(connection(name="shop")), "a.yaml")
    second = write(tmp_path, "# another team's file\n" + dump(connection(name="shop")), "b.yaml")
    found = errors(validate_paths([tmp_path]), "check.duplicate-name")
    assert len(found) == 1
    assert found[0].source is not None and (found[0].source.file, found[0].source.line) == (str(second), 5)
    assert f"{first}:4:" in found[0].message and f"{second}:5:" in found[0].message


def test_the_same_name_in_different_kinds_is_fine(tmp_path: Path) -> None:
    text = dump(agent("shop"), connection(name="shop"))
    assert errors(validate_text(tmp_path, text)) == []


def test_on_premise_agent_must_be_declared_somewhere(tmp_path: Path) -> None:
    write(tmp_path, dump(agent("dc1")), "agents.yaml")
    ok = write(tmp_path, dump(on_premise("dc1")), "ok.yaml")
    text = dump(on_premise("dc2", name="other"))
    bad = write(tmp_path, text, "bad.yaml")
    found = errors(validate_paths([tmp_path]))
    assert [(d.code, d.source.file if d.source else "", d.source.line if d.source else 0) for d in found] == [
        ("check.unknown-agent", str(bad), line_of(text, "agent:"))
    ]
    assert "'dc2'" in found[0].message and found[0].hint == "did you mean `dc1`?"
    assert ok.exists()


def test_an_agent_with_schema_errors_is_not_also_reported_as_undeclared(tmp_path: Path) -> None:
    broken = agent("dc1")
    broken["spec"]["accessToken"] = "clear"
    found = errors(validate_text(tmp_path, dump(broken, on_premise("dc1"))))
    assert [d.code for d in found] == ["schema.plaintext-secret"]


def test_plaintext_over_http_is_an_error(tmp_path: Path) -> None:
    doc = connection("PLAINTEXT")
    doc["spec"]["auth"]["baseUri"] = "http://shop.example.com/rest"
    text = dump(doc)
    found = errors(validate_text(tmp_path, text))
    assert [(d.code, d.source.line if d.source else 0) for d in found] == [
        ("check.plaintext-over-http", line_of(text, "baseUri:"))
    ]
    assert found[0].hint and "https" in found[0].hint


@pytest.mark.parametrize("method", [m for m in METHODS if m != "PLAINTEXT"])
def test_http_is_allowed_for_signed_methods(tmp_path: Path, method: str) -> None:
    doc = connection(method)
    doc["spec"]["auth"]["baseUri"] = "http://shop.example.com/rest"
    assert errors(validate_text(tmp_path, dump(doc))) == []


@pytest.mark.parametrize("uri", ["shop.example.com/rest", "/rest", "ftp://shop.example.com/rest", "https://", ""])
def test_base_uri_must_be_absolute_http(tmp_path: Path, uri: str) -> None:
    doc = connection()
    doc["spec"]["auth"]["baseUri"] = uri
    text = dump(doc)
    found = errors(validate_text(tmp_path, text))
    where = [(d.code, d.source.line if d.source else 0) for d in found]
    assert where == [("check.base-uri", line_of(text, "baseUri:"))]


@pytest.mark.parametrize("uri", ["https://shop.example.com/admin", "https://shop.example.com/admin/"])
def test_an_admin_base_uri_gets_the_rest_hint(tmp_path: Path, uri: str) -> None:
    doc = connection()
    doc["spec"]["auth"]["baseUri"] = uri
    found = warnings(validate_text(tmp_path, dump(doc)), "check.base-uri-admin")
    assert len(found) == 1 and found[0].hint and "replace admin with rest" in found[0].hint


@pytest.mark.parametrize("method", METHODS)
def test_magento_signature_warning_for_everything_but_hmac_sha256(tmp_path: Path, method: str) -> None:
    text = dump(connection(method))
    result = validate_text(tmp_path, text)
    found = warnings(result, "check.magento-signature")
    assert result.ok
    if method == "HMAC-SHA256":
        assert found == []
    else:
        assert len(found) == 1 and "HMAC-SHA256" in found[0].message and method in found[0].message
        assert found[0].source is not None and found[0].source.line == line_of(text, "signatureMethod:")


@pytest.mark.parametrize(("realm", "warned"), [("shop", True), ("", False), (None, False)])
def test_realm_is_ignored_by_magento(tmp_path: Path, realm: str | None, warned: bool) -> None:
    doc = connection(HMAC_METHODS[1])
    doc["spec"]["auth"]["realm"] = realm
    text = dump(doc)
    found = warnings(validate_text(tmp_path, text), "check.realm-ignored")
    assert bool(found) is warned
    if warned:
        assert found[0].source is not None and found[0].source.line == line_of(text, "realm:")


def test_agent_proxy_url_must_be_absolute(tmp_path: Path) -> None:
    doc = agent()
    doc["spec"]["proxyUrl"] = "proxy:3128"
    assert [d.code for d in errors(validate_text(tmp_path, dump(doc)))] == ["check.proxy-url"]
