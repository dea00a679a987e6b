"""Reading files: which files, multi-document files, malformed YAML, duplicate keys, positions kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.declarations.loader import load_declarations, validate_paths
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
    write,
)


def test_directories_are_recursed_for_yaml_and_yml_skipping_sops_and_settings(tmp_path: Path) -> None:
    write(tmp_path, dump(connection(name="a")), "a.yaml")
    write(tmp_path, dump(connection(name="b")), "nested/deeper/b.yml")
    write(tmp_path, "creation_rules: [{path_regex: x}]\n", ".sops.yaml")
    write(tmp_path, "paths: [connections]\n", "provisioner.yaml")
    write(tmp_path, "not: yaml: at all: [", "notes.txt")
    result = validate_paths([tmp_path])
    assert errors(result) == []
    assert sorted(d.name for d in result.declarations) == ["a", "b"]
    assert [f.name for f in result.files] == ["a.yaml", "b.yml"]


def test_a_missing_path_is_a_diagnostic_and_other_paths_still_load(tmp_path: Path) -> None:
    good = write(tmp_path, dump(connection()))
    result = validate_paths([tmp_path / "nope", good])
    assert [(d.code, d.source.file if d.source else "") for d in errors(result)] == [
        ("load.not-found", str(tmp_path / "nope"))
    ]
    assert len(result.declarations) == 1


def test_many_documents_per_file_keep_their_own_positions(tmp_path: Path) -> None:
    text = dump(agent(), on_premise(), None, token_connection())
    result = validate_text(tmp_path, text)
    assert errors(result) == []
    assert [(d.address, d.document_index) for d in result.declarations] == [
        ("agent.dc1", 0), ("connection.shop-dc1", 1), ("connection.shop-token", 3)
    ]
    second = result.declarations[1]
    assert second.position("spec.agent").line == line_of(text, "agent: dc1")
    assert second.source.line == line_of(text, "apiVersion:", start=line_of(text, "---"))


def test_declarations_carry_ciphertexts_and_field_positions(tmp_path: Path) -> None:
    text = dump(connection("HMAC-SHA256"), agent())
    conn, ag = validate_text(tmp_path, text).declarations
    assert dict(conn.ciphertexts) == {f"spec.auth.{f}": ENC for f in ("consumerSecret", "accessToken", "tokenSecret")}
    assert dict(ag.ciphertexts) == {"spec.accessToken": ENC}
    where = conn.position("spec.auth.consumerSecret")
    assert (where.file, where.line, where.column) == (str(tmp_path / "decl.yaml"), line_of(text, "consumerSecret:"), 5)
    assert conn.decrypted is False


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("apiVersion: provisioner/v1\nkind: [Connection\nmetadata: {}\n", 3, 9),
        ("a: 1\n  b: 2\n", 2, 4),
        ("a: 'unterminated\n", 2, 1),
        ("a: *nowhere\n", 1, 4),
        ("\tkey: value\n", 1, 1),
    ],
)
def test_malformed_yaml_is_one_error_with_a_position(tmp_path: Path, text: str, line: int, column: int) -> None:
    found = errors(validate_text(tmp_path, text))
    assert [d.code for d in found] == ["yaml.syntax"]
    assert found[0].source is not None and (found[0].source.line, found[0].source.column) == (line, column)


def test_documents_before_a_syntax_error_are_kept_and_other_files_still_read(tmp_path: Path) -> None:
    write(tmp_path, dump(connection(name="first")) + "---\nkind: [\n", "a.yaml")
    write(tmp_path, dump(connection(name="other")), "b.yaml")
    result = validate_paths([tmp_path])
    assert [d.code for d in errors(result)] == ["yaml.syntax"]
    assert sorted(d.name for d in result.declarations) == ["first", "other"]


def test_duplicate_keys_are_reported_with_both_lines(tmp_path: Path) -> None:
    text = dump(connection()).replace("  mode: cloud\n", "  mode: cloud\n  mode: on-premise\n")
    found = errors(validate_text(tmp_path, text))
    assert [d.code for d in found] == ["yaml.duplicate-key"]
    first = line_of(text, "mode: cloud")
    assert found[0].source is not None and found[0].source.line == first + 1
    assert f"first defined at line {first}" in found[0].message and "'mode'" in found[0].message


def test_duplicate_secret_keys_never_show_the_values(tmp_path: Path) -> None:
    text = dump(connection()).replace("  tokenSecret:", "  tokenSecret: clear-one\n    tokenSecret:")
    result = validate_text(tmp_path, text)
    assert "yaml.duplicate-key" in [d.code for d in errors(result)]
    assert "clear-one" not in str([d.to_dict() for d in result.diagnostics])


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_a_document_that_is_not_a_mapping_is_an_error(tmp_path: Path, text: str) -> None:
    assert [d.code for d in errors(validate_text(tmp_path, text))] == ["schema.type"]


def test_empty_files_and_documents_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "", "empty.yaml")
    write(tmp_path, "# only a comment\n---\n---\n", "comments.yaml")
    result = validate_paths([tmp_path])
    assert list(result.diagnostics) == [] and result.declarations == []


def test_non_utf8_and_alias_bombs_are_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "latin1.yaml").write_bytes(b"name: caf\xe9\n")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    write(tmp_path, bomb, "bomb.yaml")
    codes = sorted(d.code for d in errors(load_declarations([tmp_path])))
    assert codes == ["load.encoding", "yaml.too-large"]
