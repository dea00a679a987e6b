"""The sops wrapper against the real binary: decrypt, multi-document files, value round-trips, order."""

from __future__ import annotations

import pytest

from provisioner.secrets.parallel import decrypt_files
from provisioner.secrets.sops import DecryptedFile, Sops, SopsFailure
from tests.support.sops import connection_yaml

TRICKY = ["yes", "no", "on", "off", "~", "null", "0o17", "0x1F", "1_000", "1e3", ".inf", "2001-12-14", "123",
          "007", " lead", "trail ", "multi\nline\n", "#hash", "- dash", "a: b", "é ünïcode", "'quote\"", "ENC"]


def test_decrypts_a_single_document(tmp_path, encrypt_file, sops):
    path = encrypt_file(tmp_path / "c.yaml", connection_yaml("shop", access_token="A" * 32))
    assert "A" * 32 not in path.read_text()
    out = sops.decrypt(path)
    assert isinstance(out, DecryptedFile)
    assert out.documents[0]["spec"]["auth"]["accessToken"] == "A" * 32
    assert out.documents[0]["metadata"]["name"] == "shop"


def test_decrypts_every_document_of_a_multi_document_file(tmp_path, encrypt_file, sops):
    text = "---\n".join(connection_yaml(f"shop-{i}", access_token=f"{i}" * 32) for i in range(3))
    path = encrypt_file(tmp_path / "multi.yaml", text)
    out = sops.decrypt(path)
    assert isinstance(out, DecryptedFile)
    assert [d["spec"]["auth"]["accessToken"] for d in out.documents] == [f"{i}" * 32 for i in range(3)]


def test_json_output_would_drop_documents_which_is_why_yaml_is_used(tmp_path, encrypt_file, sops):
    """Documents the sops behaviour behind the choice of --output-type yaml (sops 3.11)."""
    path = encrypt_file(tmp_path / "multi.yaml", connection_yaml("one") + "---\n" + connection_yaml("two"))
    done = sops.run(["decrypt", "--output-type", "json", str(path)])
    assert done.returncode == 0
    assert b'"one"' in done.stdout
    assert b'"two"' not in done.stdout


@pytest.mark.parametrize("value", TRICKY)
def test_secret_strings_round_trip_exactly(tmp_path, encrypt_file, sops, value):
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    path = encrypt_file(tmp_path / "v.yaml", f"spec:\n  accessToken: {quoted}\n  plain: x\n")
    out = sops.decrypt(path)
    assert isinstance(out, DecryptedFile)
    assert out.documents[0]["spec"]["accessToken"] == value


def test_parallel_results_come_back_in_input_order_and_each_file_once(tmp_path, encrypt_file, sops_env):
    paths = [encrypt_file(tmp_path / f"f{i}.yaml", connection_yaml(f"c{i}", access_token=f"{i:02d}" * 16))
             for i in range(12)]
    calls: list[str] = []

    class Counting(Sops):
        def decrypt(self, path):  # counts calls; still runs the real binary
            calls.append(str(path))
            return super().decrypt(path)

    inputs = [*paths, tmp_path / "missing.yaml", paths[0], paths[3]]
    outcomes = decrypt_files(inputs, sops=Counting(environ=sops_env), parallelism=4)
    assert len(outcomes) == len(inputs)
    for path, outcome in zip(inputs, outcomes, strict=True):
        assert outcome.file == path
    assert isinstance(outcomes[12], SopsFailure)
    assert outcomes[0].documents[0]["spec"]["auth"]["accessToken"] == "00" * 16  # type: ignore[union-attr]
    assert outcomes[14].documents[0]["metadata"]["name"] == "c3"  # type: ignore[union-attr]
    assert sorted(calls) == sorted({str(p) for p in inputs})


def test_encrypt_reads_plaintext_from_stdin_and_applies_the_creation_rule(tmp_path, age_key, sops):
    from provisioner.secrets.sops_config import sops_config_text

    config = tmp_path / ".sops.yaml"
    config.write_text(sops_config_text([age_key.recipient]))
    encrypted = sops.encrypt(connection_yaml("x", token_secret="T" * 32), filename=tmp_path / "c.yaml",
                             config=config, cwd=tmp_path)
    assert "T" * 32 not in encrypted
    assert "consumerKey: " + "k" * 32 in encrypted  # not a secret field: stays readable
    assert "mac_only_encrypted: true" in encrypted
    assert age_key.recipient in encrypted
