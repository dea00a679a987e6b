"""Canary: a known secret value never leaves memory: not in argv or env of sops, diagnostics, reprs, errors."""

from __future__ import annotations

from provisioner.secrets.resolve import decrypt_declarations
from provisioner.secrets.sops import Sops
from provisioner.secrets.verify import decrypt_and_check
from tests.support.argv_spy import write_argv_spy
from tests.support.sops import connection_yaml, isolated_env, load_declarations

CANARY = "CANARY-0f3c9a7e1b2d4c6e8a0b1c2d3"  # 32 characters
WEAK = "CANARY-short"


def test_canary_never_leaves_memory_on_success_and_failure(tmp_path, encrypt_file, age_key):
    ok = encrypt_file(tmp_path / "ok.yaml", connection_yaml("ok", access_token=CANARY, token_secret=WEAK))
    bad = encrypt_file(tmp_path / "bad.yaml", connection_yaml("bad", consumer_secret=CANARY))
    bad.write_text(bad.read_text().replace("name: bad", "name: bad2").replace(
        "consumerSecret: ENC[AES256_GCM,data:", "consumerSecret: ENC[AES256_GCM,data:Zm9v"))
    declarations = [*load_declarations(ok), *load_declarations(bad)]
    spy, log = write_argv_spy(tmp_path / "spy")
    sops = Sops(binary=spy, environ=isolated_env(tmp_path / "home", {"SOPS_AGE_KEY_FILE": str(age_key.path)}))

    decrypted, diagnostics = decrypt_declarations(declarations, sops=sops)
    assert decrypted[0].decrypted and not decrypted[1].decrypted
    assert [d.code for d in diagnostics] == ["sops.tampered"]
    checked = decrypt_and_check(declarations, sops=sops)
    assert {d.code for d in checked} == {"sops.tampered", "secret.token-length"}

    shown = "\n".join([repr(decrypted), str(decrypted), repr(diagnostics), repr(checked),
                       *(str(d.to_dict()) for d in [*diagnostics, *checked])])
    calls = log.read_text()
    assert calls.count("--- argv") == 4
    for value in (CANARY, WEAK):
        assert value not in shown
        assert value not in calls
    assert decrypted[0].resource.spec.auth.accessToken.get_secret_value() == CANARY  # type: ignore[union-attr]
