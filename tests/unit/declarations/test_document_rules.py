"""Rules about a single document: mode/agent, application, name, unknown fields, kinds, sops metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.declarations.samples import (
    ENC,
    agent,
    connection,
    dump,
    errors,
    line_of,
    on_premise,
    token_connection,
    validate_text,
)


def test_on_premise_without_agent_names_the_field_at_the_spec_line(tmp_path: Path) -> None:
    doc = on_premise()
    del doc["spec"]["agent"]
    text = dump(doc)
    found = errors(validate_text(tmp_path, text))
    assert [(d.code, d.source.line if d.source else 0) for d in found] == [("schema.required", line_of(text, "spec:"))]
    assert "spec.agent" in found[0].message
    assert found[0].hint and "Agent" in found[0].hint


@pytest.mark.parametrize("mode", ["cloud", None])
def test_cloud_with_agent_is_not_allowed_at_the_agent_line(tmp_path: Path, mode: str | None) -> None:
    doc = on_premise()
    if mode is None:
        del doc["spec"]["mode"]  # cloud is the default
    else:
        doc["spec"]["mode"] = mode
    text = dump(agent(), doc)
    found = errors(validate_text(tmp_path, text))
    assert [(d.code, d.source.line if d.source else 0) for d in found] == [
        ("schema.not-allowed", line_of(text, "agent:"))
    ]
    assert "mode: cloud" in found[0].message
    assert found[0].hint and "on-premise" in found[0].hint


def test_unknown_application_lists_the_choices_with_a_hint(tmp_path: Path) -> None:
    doc = connection()
    doc["spec"]["application"] = "magento"
    text = dump(doc)
    found = errors(validate_text(tmp_path, text))
    assert [d.code for d in found] == ["schema.enum"]
    assert found[0].source is not None and found[0].source.line == line_of(text, "application:")
    assert "magento2" in found[0].message and found[0].hint == "did you mean `magento2`?"


@pytest.mark.parametrize("name", ["Shop", "shop_prod", "-shop", "shop-", "a" * 64, ""])
def test_bad_names_are_errors_at_the_name_line(tmp_path: Path, name: str) -> None:
    doc = connection(name=name)
    text = dump(doc)
    found = errors(validate_text(tmp_path, text))
    assert len(found) == 1 and found[0].code in ("schema.pattern", "schema.length")
    assert found[0].source is not None and found[0].source.line == line_of(text, "name:")
    assert "metadata.name" in found[0].message


@pytest.mark.parametrize(
    ("where", "typo", "suggestion"),
    [
        (("spec", "auth"), "consumerSecrett", "consumerSecret"),
        (("spec",), "displayname", "displayName"),
        (("metadata",), "label", "labels"),
        ((), "apiversion", "apiVersion"),
    ],
)
def test_an_unknown_field_suggests_the_closest_name(
    tmp_path: Path, where: tuple[str, ...], typo: str, suggestion: str
) -> None:
    doc = connection()
    node = doc
    for part in where:
        node = node[part]
    node[typo] = "x"
    text = dump(doc)
    found = errors(validate_text(tmp_path, text), "schema.unknown-field")
    assert len(found) == 1
    assert found[0].source is not None and found[0].source.line == line_of(text, f"{typo}:")
    assert typo in found[0].message
    assert found[0].hint == f"did you mean `{suggestion}`?"


def test_an_unknown_field_without_a_close_name_lists_the_allowed_ones(tmp_path: Path) -> None:
    doc = connection()
    doc["spec"]["advanced"] = {"zzz": 1}
    found = errors(validate_text(tmp_path, dump(doc)))
    assert [d.code for d in found] == ["schema.unknown-field"]
    assert found[0].hint and "pingPath" in found[0].hint and "timeoutSeconds" in found[0].hint


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("timeoutSeconds", 0, "schema.range"),
        ("timeoutSeconds", 601, "schema.range"),
        ("timeoutSeconds", "30", "schema.type"),
        ("verifyTls", "yes please", "schema.type"),
        ("pingPath", "V1/store", "schema.pattern"),
    ],
)
def test_advanced_values_are_checked(tmp_path: Path, field: str, value: object, code: str) -> None:
    doc = connection()
    doc["spec"]["advanced"] = {field: value}
    text = dump(doc)
    found = errors(validate_text(tmp_path, text))
    assert [d.code for d in found] == [code]
    assert found[0].source is not None and found[0].source.line == line_of(text, f"{field}:")


def test_missing_top_level_fields_point_at_the_document(tmp_path: Path) -> None:
    text = "# comment\napiVersion: provisioner/v1\nkind: Connection\n"
    found = errors(validate_text(tmp_path, text))
    assert {d.message for d in found} == {"missing required field `metadata`", "missing required field `spec`"}
    assert all(d.source is not None and d.source.line == 2 for d in found)


@pytest.mark.parametrize(("kind", "hint"), [("Connectoin", "did you mean `Connection`?"), ("Widget", None)])
def test_unknown_kind(tmp_path: Path, kind: str, hint: str | None) -> None:
    text = f"apiVersion: provisioner/v1\nkind: {kind}\n"
    found = errors(validate_text(tmp_path, text))
    assert [(d.code, d.source.line if d.source else 0) for d in found] == [("schema.kind", 2)]
    assert hint is None or found[0].hint == hint


def test_wrong_api_version(tmp_path: Path) -> None:
    doc = connection()
    doc["apiVersion"] = "provisioner/v2"
    found = errors(validate_text(tmp_path, dump(doc)))
    assert [d.code for d in found] == ["schema.const"]
    assert "provisioner/v1" in found[0].message


def test_agents_are_validated(tmp_path: Path) -> None:
    assert errors(validate_text(tmp_path, dump(agent()))) == []
    doc = agent()
    doc["spec"]["accessToken"] = "clear"
    del doc["spec"]["displayName"]
    doc["spec"]["proxy"] = "http://x"
    text = dump(doc)
    found = errors(validate_text(tmp_path, text))
    assert sorted((d.code, d.source.line if d.source else 0) for d in found) == sorted([
        ("schema.plaintext-secret", line_of(text, "accessToken:")),
        ("schema.unknown-field", line_of(text, "proxy:")),
    ])


def test_sops_metadata_is_not_part_of_the_declaration(tmp_path: Path) -> None:
    sops = {"sops": {"mac": ENC, "lastmodified": "2025-01-01T00:00:00Z", "version": "3.9.4", "age": []}}
    doc = {**connection(), **sops}
    result = validate_text(tmp_path, dump(doc, sops, None))
    assert errors(result) == []
    assert [d.address for d in result.declarations] == ["connection.shop"]
    assert not any(path.startswith("sops") for path in result.declarations[0].positions)


def test_token_connections_and_labels(tmp_path: Path) -> None:
    doc = token_connection()
    doc["metadata"]["labels"] = {"env": 1}
    text = dump(doc)
    found = errors(validate_text(tmp_path, text))
    assert [(d.code, d.source.line if d.source else 0) for d in found] == [("schema.type", line_of(text, "env:"))]
