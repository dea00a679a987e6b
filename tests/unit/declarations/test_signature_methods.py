"""The per-signature-method table (docs/file-format.md), one row at a time: what a user sees for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.declarations.samples import (
    ENC,
    METHODS,
    REQUIRED_AUTH,
    clone,
    connection,
    dump,
    errors,
    line_of,
    method_fields,
    validate_text,
)

REQUIRED_CASES = [
    (method, field) for method in METHODS for field in (*REQUIRED_AUTH, *method_fields(method)[0])
    if field not in ("type", "signatureMethod")  # without these the method's rules cannot apply
]
NOT_ALLOWED_CASES = [(method, field) for method in METHODS for field in method_fields(method)[1]]


@pytest.mark.parametrize("method", METHODS)
def test_a_valid_declaration_passes_for_each_method(tmp_path: Path, method: str) -> None:
    result = validate_text(tmp_path, dump(connection(method)))
    assert errors(result) == []
    assert [d.address for d in result.declarations] == ["connection.shop"]


@pytest.mark.parametrize(("method", "field"), REQUIRED_CASES)
def test_removing_a_required_field_names_it_at_the_auth_line(tmp_path: Path, method: str, field: str) -> None:
    doc = connection(method)
    del doc["spec"]["auth"][field]
    text = dump(doc)
    found = errors(validate_text(tmp_path, text))
    assert [(d.code, d.source.line if d.source else None) for d in found] == [
        ("schema.required", line_of(text, "auth:"))
    ]
    assert f"spec.auth.{field}" in found[0].message


@pytest.mark.parametrize(("method", "field"), NOT_ALLOWED_CASES)
def test_adding_a_not_allowed_field_points_at_its_line(tmp_path: Path, method: str, field: str) -> None:
    doc = connection(method)
    doc["spec"]["auth"][field] = ENC
    text = dump(doc)
    found = errors(validate_text(tmp_path, text))
    assert [d.code for d in found] == ["schema.not-allowed"]
    assert found[0].source is not None
    assert found[0].source.line == line_of(text, f"{field}:")
    assert field in found[0].message and method in found[0].message
    assert found[0].hint and ("RSA-*" in found[0].hint or "HMAC-*" in found[0].hint)


@pytest.mark.parametrize(("method", "field"), [(m, f) for m in METHODS for f in ("accessToken", *method_fields(m)[0])])
def test_a_plaintext_secret_is_an_error_that_never_repeats_the_value(tmp_path: Path, method: str, field: str) -> None:
    doc = connection(method)
    doc["spec"]["auth"][field] = "hunter2-plaintext"
    text = dump(doc)
    result = validate_text(tmp_path, text)
    found = errors(result)
    assert [d.code for d in found] == ["schema.plaintext-secret"]
    assert found[0].source is not None and found[0].source.line == line_of(text, f"{field}:")
    assert field in found[0].message
    assert all("hunter2" not in str(d.to_dict()) for d in result.diagnostics)


@pytest.mark.parametrize("method", METHODS)
def test_an_unknown_signature_method_lists_the_choices(tmp_path: Path, method: str) -> None:
    doc = connection(method)
    doc["spec"]["auth"]["signatureMethod"] = method.lower()
    text = dump(doc)
    found = errors(validate_text(tmp_path, text))
    assert [d.code for d in found] == ["schema.enum"]
    assert found[0].source is not None and found[0].source.line == line_of(text, "signatureMethod:")
    assert "HMAC-SHA256" in found[0].message


def test_token_auth_passes_and_rejects_oauth_fields(tmp_path: Path) -> None:
    doc = connection()
    doc["spec"]["auth"] = {"type": "token", "baseUri": "https://shop.example.com/rest", "accessToken": ENC}
    assert errors(validate_text(tmp_path, dump(doc))) == []
    bad = clone(doc)
    bad["spec"]["auth"]["signatureMethod"] = "HMAC-SHA256"
    text = dump(bad)
    found = errors(validate_text(tmp_path, text))
    assert [(d.code, d.source.line if d.source else 0) for d in found] == [
        ("schema.unknown-field", line_of(text, "signatureMethod:"))
    ]
