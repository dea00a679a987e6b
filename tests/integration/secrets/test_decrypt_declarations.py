"""decrypt_declarations: copies with values, matched by file and document, failures once per file."""

from __future__ import annotations

from dataclasses import replace

from provisioner.declarations.models import Connection
from provisioner.secrets.resolve import decrypt_declarations
from provisioner.secrets.sops import Sops
from tests.support.sops import connection_yaml, isolated_env, load_declarations


def _token(declaration) -> str:
    resource = declaration.resource
    assert isinstance(resource, Connection)
    return resource.spec.auth.accessToken.get_secret_value()


def test_fills_secrets_by_file_and_document_index(tmp_path, encrypt_file, sops):
    multi = encrypt_file(tmp_path / "multi.yaml", "---\n".join(
        connection_yaml(f"m{i}", access_token=f"m{i}" * 16) for i in range(3)))
    single = encrypt_file(tmp_path / "single.yaml", connection_yaml("s", access_token="s" * 32))
    declarations = [*load_declarations(single), *load_declarations(multi)]
    assert all(_token(d).startswith("ENC[") for d in declarations)

    calls: list[object] = []

    class Counting(Sops):
        def decrypt(self, path):
            calls.append(path)
            return super().decrypt(path)

    out, diagnostics = decrypt_declarations(declarations, sops=Counting(environ=sops.env), parallelism=2)
    assert not diagnostics.items
    assert [d.name for d in out] == ["s", "m0", "m1", "m2"]
    assert [_token(d) for d in out] == ["s" * 32, "m0" * 16, "m1" * 16, "m2" * 16]
    assert all(d.decrypted for d in out)
    assert len(calls) == 2  # one sops call per file, not per document
    first = out[1].resource
    assert isinstance(first, Connection)
    assert first.spec.auth.consumerKey == "k" * 32
    assert first.spec.auth.consumerSecret is not None
    assert first.spec.auth.consumerSecret.get_secret_value() == "c" * 32
    assert out[1].ciphertexts == declarations[1].ciphertexts  # the committed text is kept for the plan
    assert "m0" * 16 not in repr(out)


def test_a_subset_decrypts_only_its_files_and_already_decrypted_ones_cost_nothing(tmp_path, encrypt_file, sops):
    a = encrypt_file(tmp_path / "a.yaml", connection_yaml("a"))
    b = encrypt_file(tmp_path / "b.yaml", connection_yaml("b"))
    da, db = load_declarations(a)[0], load_declarations(b)[0]
    out, _ = decrypt_declarations([db], sops=sops)
    assert out[0].decrypted and out[0].file == b
    again, diagnostics = decrypt_declarations([out[0]], sops=Sops(binary="/nonexistent/sops", environ={}))
    assert again[0] is out[0] and not diagnostics.items
    assert not da.decrypted


def test_failed_file_returns_inputs_unchanged_with_one_diagnostic_per_file(tmp_path, encrypt_file, sops_env):
    good = encrypt_file(tmp_path / "good.yaml", connection_yaml("g"))
    bad = encrypt_file(tmp_path / "bad.yaml", connection_yaml("b1") + "---\n" + connection_yaml("b2"))
    declarations = [*load_declarations(bad), *load_declarations(good)]
    bad.write_text(bad.read_text().replace("accessToken: ENC[AES256_GCM,data:", "accessToken: ENC[AES256_GCM,data:AA"))
    declarations = [replace(d, source=replace(d.source, file="connections/" + d.file.name)) for d in declarations]
    out, diagnostics = decrypt_declarations(declarations, sops=Sops(environ=sops_env))
    assert [d.decrypted for d in out] == [False, False, True]
    assert out[0] is declarations[0]
    assert [(d.code, d.source.file if d.source else None) for d in diagnostics] == [
        ("sops.tampered", "connections/bad.yaml")]


def test_no_key_reports_once_per_file(tmp_path, encrypt_file):
    paths = [encrypt_file(tmp_path / f"f{i}.yaml", connection_yaml(f"f{i}")) for i in range(3)]
    declarations = [d for p in paths for d in load_declarations(p)]
    out, diagnostics = decrypt_declarations(declarations, sops=Sops(environ=isolated_env(tmp_path / "empty")))
    assert not any(d.decrypted for d in out)
    assert [d.code for d in diagnostics] == ["sops.no-key"] * 3
    assert diagnostics.has_errors


def test_on_decrypted_sees_each_decrypted_copy_once_as_its_file_is_done(tmp_path, encrypt_file, sops):
    """apply tests a connection as soon as its file is decrypted: the callback gets the very copies returned."""
    files = [encrypt_file(tmp_path / f"c{i}.yaml", connection_yaml(f"c{i}", access_token=f"c{i}" * 16))
             for i in range(4)]
    declarations = [d for f in files for d in load_declarations(f)]
    seen: list[object] = []
    out, diagnostics = decrypt_declarations(declarations, sops=sops, parallelism=2, on_decrypted=seen.append)
    assert not diagnostics.items
    assert [d.name for d in out] == ["c0", "c1", "c2", "c3"]  # input order, whatever order sops finished in
    assert sorted(id(d) for d in seen) == sorted(id(d) for d in out)
    assert all(d.decrypted for d in seen)
