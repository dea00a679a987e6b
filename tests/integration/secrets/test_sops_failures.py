"""Each sops failure: the real exit code, then the diagnostic a person sees (code, file, hint)."""

from __future__ import annotations

import re

import pytest

from provisioner.diagnostics import Severity
from provisioner.secrets.failures import failure_diagnostic, file_recipients
from provisioner.secrets.sops import Sops, SopsFailure
from tests.support.sops import connection_yaml, isolated_env, make_age_key

SECRET = "S3cretCanaryValue-0123456789abcd"


@pytest.fixture
def encrypted(tmp_path, encrypt_file):
    return encrypt_file(tmp_path / "conn.yaml", connection_yaml("shop", access_token=SECRET))


def _tamper_ciphertext(text: str) -> str:
    def flip(match: re.Match[str]) -> str:
        first = match.group(2)
        return match.group(1) + ("B" if first != "B" else "C")

    return re.sub(r"(accessToken: ENC\[AES256_GCM,data:)(.)", flip, text, count=1)


def _failure(sops: Sops, path) -> SopsFailure:
    outcome = sops.decrypt(path)
    assert isinstance(outcome, SopsFailure), "sops was expected to fail"
    assert SECRET not in outcome.stderr
    return outcome


def test_no_key_is_exit_128_and_names_the_recipients(tmp_path, encrypted, age_key):
    failure = _failure(Sops(environ=isolated_env(tmp_path / "nokey-home")), encrypted)
    assert failure.exit_code == 128
    d = failure_diagnostic(failure, "connections/conn.yaml")
    assert (d.severity, d.code) == (Severity.ERROR, "sops.no-key")
    assert d.source is not None and d.source.file == "connections/conn.yaml"
    assert d.hint is not None and age_key.recipient in d.hint
    assert "SOPS_AGE_KEY_FILE" in d.hint and "SOPS_AGE_KEY" in d.hint


def test_wrong_key_is_exit_128_and_says_the_key_does_not_match(tmp_path, encrypted, age_key):
    other = make_age_key(tmp_path / "other")
    failure = _failure(Sops(environ=isolated_env(tmp_path / "h", {"SOPS_AGE_KEY": other.identity})), encrypted)
    assert failure.exit_code == 128
    d = failure_diagnostic(failure)
    assert d.code == "sops.wrong-key"
    assert d.hint is not None and age_key.recipient in d.hint and other.recipient not in d.hint
    assert other.identity not in (d.message + d.hint)


def test_tampered_ciphertext_is_exit_25(encrypted, sops):
    encrypted.write_text(_tamper_ciphertext(encrypted.read_text()))
    failure = _failure(sops, encrypted)
    assert failure.exit_code == 25
    d = failure_diagnostic(failure)
    assert d.code == "sops.tampered"
    assert d.source is not None and d.source.file == str(encrypted)
    assert d.hint is not None and "sops edit" in d.hint


def test_plain_field_edited_without_mac_only_encrypted_is_exit_51(tmp_path, encrypt_file, sops):
    path = encrypt_file(tmp_path / "full.yaml", connection_yaml("shop", access_token=SECRET), mac_only=False)
    assert "mac_only_encrypted" not in path.read_text()
    path.write_text(path.read_text().replace("name: shop", "name: shop-edited"))
    failure = _failure(sops, path)
    assert failure.exit_code == 51
    d = failure_diagnostic(failure)
    assert d.code == "sops.mac-mismatch"
    assert d.hint is not None and "mac_only_encrypted" in d.hint
    assert "MAC mismatch" in d.message


def test_plain_field_edited_with_mac_only_encrypted_still_decrypts(encrypted, sops):
    encrypted.write_text(encrypted.read_text().replace("name: shop", "name: shop-edited"))
    assert not isinstance(sops.decrypt(encrypted), SopsFailure)


def test_file_that_is_not_encrypted_is_exit_1_with_metadata_not_found(tmp_path, sops):
    path = tmp_path / "plain.yaml"
    path.write_text(connection_yaml("shop", access_token=SECRET))
    failure = _failure(sops, path)
    assert failure.exit_code == 1 and "sops metadata not found" in failure.stderr
    d = failure_diagnostic(failure)
    assert d.code == "sops.not-encrypted"
    assert d.hint is not None and "sops encrypt --in-place" in d.hint


def test_missing_file_is_exit_100(tmp_path, sops):
    failure = _failure(sops, tmp_path / "nope.yaml")
    assert failure.exit_code == 100
    assert failure_diagnostic(failure).code == "sops.file-missing"


def test_anything_else_shows_sops_first_line_scrubbed(tmp_path, sops):
    path = tmp_path / "broken.yaml"
    path.write_text("a: [1\n")
    failure = _failure(sops, path)
    d = failure_diagnostic(failure)
    assert d.code == "sops.failed"
    assert f"exit {failure.exit_code}" in d.message and "yaml" in d.message.lower()


def test_recipients_are_read_from_every_document(tmp_path, encrypt_file, age_key):
    path = encrypt_file(tmp_path / "m.yaml", connection_yaml("a") + "---\n" + connection_yaml("b"))
    assert file_recipients(path) == [age_key.recipient]
    assert file_recipients(tmp_path / "absent.yaml") == []
