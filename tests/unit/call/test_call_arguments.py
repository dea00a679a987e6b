"""``call``'s arguments and what it does to text that came back (redaction, control characters)."""

from __future__ import annotations

import pytest

from provisioner.commands.call import clean, parse_method_and_path, read_data
from provisioner.errors import ProvisionerError


@pytest.mark.parametrize(("args", "expected"), [
    (["/V1/x"], ("GET", "/V1/x")), (["post", "/V1/x"], ("POST", "/V1/x")), (["DELETE", "V1/x"], ("DELETE", "V1/x")),
])
def test_method_and_path(args, expected):
    assert parse_method_and_path(args) == expected


@pytest.mark.parametrize("args", [["PATCH", "/V1/x"], ["GET", "/a", "/b"], []])
def test_bad_method_or_arity_is_a_usage_error(args):
    with pytest.raises(ProvisionerError) as refused:
        parse_method_and_path(args)
    assert refused.value.code == "usage"


def test_data_is_json_inline_or_from_a_file(tmp_path):
    (tmp_path / "b.json").write_text('{"a": 1}', encoding="utf-8")
    assert read_data('{"a": 1}', tmp_path) == b'{"a": 1}'
    assert read_data("@b.json", tmp_path) == b'{"a": 1}'
    assert read_data(None, tmp_path) is None
    for bad in ("{", "@missing.json"):
        with pytest.raises(ProvisionerError):
            read_data(bad, tmp_path)


def test_clean_redacts_then_strips_control_characters():
    secret = "CANARY/secret+value=="
    text = f"a {secret} b CANARY%2Fsecret%2Bvalue%3D%3D c\x1b[31m red\u202e\n"
    cleaned = clean(text, (secret,))
    assert "CANARY" not in cleaned and "\x1b" not in cleaned and "\u202e" not in cleaned
    assert cleaned.endswith("red\n")
