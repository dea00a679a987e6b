"""``validate`` judges the ``.sops.yaml`` creation rule that will encrypt the next file, table-driven."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.commands.validate import validate
from provisioner.declarations.loader import validate_paths
from provisioner.secrets.sops_config import encrypted_regex, sops_config_text
from provisioner.secrets.sops_coverage import check_sops_coverage
from tests.unit.declarations.samples import agent, connection, dump

RECIPIENT = "age1uvakjuhkenvvvstxct43kdjy7cvnxu0apnt257zukc8rf2l5cgcqs0gwdt"
OLD_REGEX = "^(consumerSecret|accessToken|tokenSecret)$"  # predates RSA keys: consumerPrivateKey stays in clear


def _rule(selection: str = f"encrypted_regex: '{OLD_REGEX}'", path_regex: str = r"\.ya?ml$") -> str:
    return f"creation_rules:\n  - path_regex: '{path_regex}'\n    {selection}\n    age: {RECIPIENT}\n"


# (label, .sops.yaml text or None, method, expected (severity, code, line) list)
CASES = [
    ("covered (what init writes)", sops_config_text([RECIPIENT]), "RSA-SHA256", []),
    ("covered: an old regex, fields it names", _rule(), "HMAC-SHA256", []),
    ("not covered: a field the regex predates", _rule(), "RSA-SHA256", [("error", "sops.secret-not-encrypted", 3)]),
    ("covered through an ancestor key", _rule("encrypted_regex: '^(auth|accessToken)$'"), "RSA-SHA256", []),
    ("unencrypted_regex naming a secret", _rule("unencrypted_regex: '^accessToken$'"), "HMAC-SHA256",
     [("error", "sops.secret-not-encrypted", 3)]),
    ("unencrypted_regex naming others", _rule("unencrypted_regex: '^(displayName|baseUri)$'"), "HMAC-SHA256", []),
    ("encrypted_suffix no secret has", _rule("encrypted_suffix: _secret"), "HMAC-SHA256",
     [("error", "sops.secret-not-encrypted", 3)] * 3),
    ("no selection: sops encrypts everything", _rule("mac_only_encrypted: true"), "HMAC-SHA256", []),
    ("a comment selection cannot be judged", _rule("encrypted_comment_regex: sops:enc"), "HMAC-SHA256",
     [("info", "sops.rule-unchecked", 3)]),
    ("no .sops.yaml", None, "HMAC-SHA256", []),
    ("no matching rule", _rule(path_regex="^elsewhere/"), "HMAC-SHA256", [("warning", "sops.no-creation-rule", 0)]),
    ("malformed YAML", "creation_rules: [\n  - path_regex: x\n", "HMAC-SHA256", [("error", "sops.config-invalid", 2)]),
    ("creation_rules not a list", "creation_rules: 5\n", "HMAC-SHA256", [("error", "sops.config-invalid", 1)]),
    ("a rule not a mapping", "creation_rules:\n  - just text\n", "HMAC-SHA256", [("error", "sops.config-invalid", 2)]),
    ("a bad path_regex", _rule(path_regex="(unclosed"), "HMAC-SHA256", [("error", "sops.config-invalid", 2)]),
    ("a bad encrypted_regex", _rule("encrypted_regex: '(x'"), "HMAC-SHA256", [("error", "sops.config-invalid", 3)]),
    ("two selections", _rule(f"encrypted_regex: '{OLD_REGEX}'\n    unencrypted_suffix: _plain"), "HMAC-SHA256",
     [("error", "sops.config-invalid", 4)]),
    ("a list at the top", "- creation_rules\n", "HMAC-SHA256", [("error", "sops.config-invalid", 1)]),
    ("empty file", "", "HMAC-SHA256", [("warning", "sops.no-creation-rule", 0)]),
    ("not UTF-8", b"\xff\xfe\x00", "HMAC-SHA256", [("error", "sops.config-invalid", 0)]),
]


def _project(tmp_path: Path, sops_yaml: str | bytes | None, method: str) -> Path:
    (tmp_path / "connections").mkdir()
    (tmp_path / "connections" / "shop.yaml").write_text(dump(connection(method)))
    (tmp_path / "connections" / "dc1.yaml").write_text(dump(agent()))
    if isinstance(sops_yaml, bytes):
        (tmp_path / ".sops.yaml").write_bytes(sops_yaml)
    elif sops_yaml is not None:
        (tmp_path / ".sops.yaml").write_text(sops_yaml)
    return tmp_path


@pytest.mark.parametrize(("label", "sops_yaml", "method", "expected"), CASES, ids=[c[0] for c in CASES])
def test_sops_creation_rule_coverage(tmp_path, monkeypatch, label, sops_yaml, method, expected):
    root = _project(tmp_path, sops_yaml, method)
    monkeypatch.chdir(root)
    loaded = validate_paths([Path("connections")])
    assert loaded.ok, [d.to_dict() for d in loaded.diagnostics]
    found = check_sops_coverage(loaded.declarations, root=root)
    assert [(d.severity.value, d.code, d.source.line if d.source else None) for d in found] == expected
    for d in found:
        assert d.source is not None and d.source.file == ".sops.yaml"
        assert d.hint


def test_the_report_names_the_field_the_files_and_the_regex_to_use(tmp_path, monkeypatch):
    root = _project(tmp_path, _rule(), "RSA-SHA256")
    (root / "connections" / "other.yaml").write_text(dump(connection("RSA-SHA512", name="other")))
    monkeypatch.chdir(root)
    (d,) = check_sops_coverage(validate_paths([Path("connections")]).declarations, root=root)
    assert d.message == (
        f"creation rule 1 of .sops.yaml (encrypted_regex '{OLD_REGEX}') does not encrypt `consumerPrivateKey`, "
        "a secret field used in connections/other.yaml and 1 other file"
    )
    assert d.hint == f"set encrypted_regex: '{encrypted_regex()}' (every secret field of the registered " \
        "applications and Agent)"
    assert (d.source.line, d.source.column) == (3, 22)


def test_the_first_matching_rule_wins_and_paths_are_relative_to_the_sops_yaml(tmp_path, monkeypatch):
    rules = (
        "creation_rules:\n"
        "  - path_regex: '^connections/'\n"
        f"    encrypted_regex: '{OLD_REGEX}'\n"
        f"    age: {RECIPIENT}\n"
        "  - path_regex: ''\n"
        f"    encrypted_regex: '{encrypted_regex()}'\n"
        f"    age: {RECIPIENT}\n"
    )
    root = _project(tmp_path, rules, "RSA-SHA256")
    monkeypatch.chdir(root / "connections")  # sops finds the .sops.yaml above; the path is still connections/...
    found = check_sops_coverage(validate_paths([Path("shop.yaml")]).declarations, root=root)
    assert [(d.code, d.source.file, d.source.line) for d in found] == [
        ("sops.secret-not-encrypted", "../.sops.yaml", 3),
    ]


def test_a_sops_yaml_outside_the_project_is_named_but_never_quoted(tmp_path, monkeypatch):
    (tmp_path / ".sops.yaml").write_text(_rule())
    project = tmp_path / "shop"
    project.mkdir()
    _project(project, None, "RSA-SHA256")
    monkeypatch.chdir(project)
    (d,) = check_sops_coverage(validate_paths([Path("connections")]).declarations, root=project)
    assert d.code == "sops.secret-not-encrypted" and d.source is not None and d.source.line == 0


def test_validate_reports_it(tmp_path, monkeypatch):
    root = _project(tmp_path, _rule(), "RSA-SHA256")
    (root / "provisioner.yaml").write_text("paths: [connections]\n")
    monkeypatch.chdir(root)
    result = validate()
    assert not result.ok
    assert [d.code for d in result.diagnostics.errors] == ["sops.secret-not-encrypted"]
