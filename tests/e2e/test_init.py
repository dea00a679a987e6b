"""``provisioner init`` end to end: a working repository whose example decrypts with no manual step."""

from __future__ import annotations

import stat

from provisioner.config import load_config
from provisioner.secrets.sops import DecryptedFile, Sops
from provisioner.secrets.verify import decrypt_and_check
from tests.support.argv_spy import write_argv_spy
from tests.support.sops import isolated_env, load_declarations, make_age_key

SECRET_NAMES = ("consumerSecret", "accessToken", "tokenSecret")


def _snapshot(*roots):
    return {p: p.read_bytes() for root in roots for p in sorted(root.rglob("*")) if p.is_file()}


def _example_secrets(project, env) -> list[str]:
    outcome = Sops(environ=env).decrypt(project / "connections" / "example.yaml")
    assert isinstance(outcome, DecryptedFile)
    auth = outcome.documents[0]["spec"]["auth"]
    return [auth[name] for name in SECRET_NAMES]


def test_init_then_decrypt_and_check_passes_with_no_manual_step(tmp_path, cli, monkeypatch):
    home, project = tmp_path / "home", tmp_path / "shop"
    monkeypatch.setenv("HOME", str(home))
    env = isolated_env(home)
    done = cli(["init", str(project)], env=env)
    assert done.returncode == 0, done.stderr + done.stdout

    key = home / ".config" / "sops" / "age" / "keys.txt"  # sops' own default: plain `sops` finds it
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert "export SOPS_AGE_KEY_FILE" not in done.stdout
    assert "provisioner secrets edit connections/example.yaml" in done.stdout
    sops_yaml = (project / ".sops.yaml").read_text()
    assert "encrypted_regex: '^(consumerSecret|accessToken|tokenSecret|consumerPrivateKey)$'" in sops_yaml
    assert "mac_only_encrypted: true" in sops_yaml
    assert _recipients(key) == [r for r in _recipients(key) if r in sops_yaml]
    ignored = set((project / ".gitignore").read_text().splitlines())
    assert {".provisioner/", "*.agekey", "plan.json", "plan.md", "*.plan.json"} <= ignored
    example = (project / "connections" / "example.yaml").read_text()
    for name in SECRET_NAMES:
        assert f"{name}: ENC[AES256_GCM," in example
    assert "signatureMethod: HMAC-SHA256" in example
    assert example.startswith("# yaml-language-server: $schema=../schemas/connection.schema.json\n")
    assert (project / "provisioner.yaml").read_text().startswith(
        "# yaml-language-server: $schema=schemas/provisioner.schema.json\n")
    assert sorted(p.name for p in (project / "schemas").iterdir()) == [
        "agent.schema.json", "connection.schema.json", "provisioner.schema.json"]

    config = load_config(project)
    assert config.age_key_file is None and config.paths == (project / "connections",)
    assert "ageKeyFile" not in (project / "provisioner.yaml").read_text()
    declarations = load_declarations(project / "connections" / "example.yaml")
    # no SOPS_* variable at all: sops finds the key in its own default location under HOME
    diagnostics = decrypt_and_check(declarations, sops=Sops(environ=env))
    assert not diagnostics.items, [d.to_dict() for d in diagnostics]


def _recipients(key_file) -> list[str]:
    return [line.removeprefix("# public key: ") for line in key_file.read_text().splitlines()
            if line.startswith("# public key: ")]


def test_two_projects_of_the_same_name_get_keys_of_their_own(tmp_path, cli):
    home = tmp_path / "home"
    env = isolated_env(home)
    first, second = tmp_path / "a" / "shop", tmp_path / "b" / "shop"
    assert cli(["init", str(first)], env=env).returncode == 0
    assert cli(["init", str(second)], env=env).returncode == 0
    key = home / ".config" / "sops" / "age" / "keys.txt"
    one, two = _recipients(key)
    assert one != two
    assert one in (first / ".sops.yaml").read_text() and two not in (first / ".sops.yaml").read_text()
    assert two in (second / ".sops.yaml").read_text() and one not in (second / ".sops.yaml").read_text()
    state_keys = sorted((home / ".config" / "provisioner" / "state").glob("shop-*.key"))
    assert len(state_keys) == 2
    assert state_keys[0].read_bytes() != state_keys[1].read_bytes()
    for project in (first, second):  # both decrypt, from the one key file, with no variable set
        declarations = load_declarations(project / "connections" / "example.yaml")
        assert not decrypt_and_check(declarations, sops=Sops(environ=env)).items


def test_xdg_config_home_is_where_sops_looks_first(tmp_path, cli):
    home, xdg, project = tmp_path / "home", tmp_path / "xdg", tmp_path / "shop"
    env = isolated_env(home, {"XDG_CONFIG_HOME": str(xdg)})
    assert cli(["init", str(project)], env=env).returncode == 0, "init"
    assert (xdg / "sops" / "age" / "keys.txt").is_file()
    assert not (home / ".config" / "sops").exists()
    declarations = load_declarations(project / "connections" / "example.yaml")
    assert not decrypt_and_check(declarations, sops=Sops(environ=env)).items


def test_init_twice_overwrites_nothing_and_says_what_it_skipped(tmp_path, cli):
    home, project = tmp_path / "home", tmp_path / "shop"
    env = isolated_env(home)
    assert cli(["init", str(project)], env=env).returncode == 0
    before = _snapshot(project, home)
    again = cli(["init", str(project)], env=env)
    assert again.returncode == 0, again.stderr
    assert _snapshot(project, home) == before
    assert again.stdout.count("skipped") == 7  # provisioner.yaml, .sops.yaml, .gitignore, 3 schemas, the example
    assert "created" not in again.stdout


def test_init_keeps_user_files_and_only_appends_missing_ignores(tmp_path, cli):
    home, project = tmp_path / "home", tmp_path / "shop"
    project.mkdir()
    (project / "provisioner.yaml").write_text("workspace: mine\n")
    (project / ".gitignore").write_text("node_modules/\n*.agekey")
    done = cli(["init", str(project)], env=isolated_env(home))
    assert done.returncode == 0, done.stderr
    assert (project / "provisioner.yaml").read_text() == "workspace: mine\n"
    assert (project / ".gitignore").read_text() == (
        "node_modules/\n*.agekey\n.provisioner/\nplan.json\nplan.md\n*.plan.json\n*.plan.md\n")
    assert "updated" in done.stdout and "added .provisioner/" in done.stdout


def test_given_recipient_is_used_and_no_key_is_generated(tmp_path, cli):
    home, project = tmp_path / "home", tmp_path / "shop"
    team = make_age_key(tmp_path / "team")
    done = cli(["init", str(project), "--age-recipient", team.recipient], env=isolated_env(home))
    assert done.returncode == 0, done.stderr
    assert not (home / ".config" / "sops").exists() and not (home / ".config" / "provisioner" / "age").exists()
    (state_key,) = (home / ".config" / "provisioner" / "state").glob("shop-*.key")
    assert state_key.stat().st_mode & 0o777 == 0o600
    assert "ageKeyFile" not in (project / "provisioner.yaml").read_text()
    assert team.recipient in (project / ".sops.yaml").read_text()
    declarations = load_declarations(project / "connections" / "example.yaml")
    env = isolated_env(home, {"SOPS_AGE_KEY_FILE": str(team.path)})
    assert not decrypt_and_check(declarations, sops=Sops(environ=env)).items


def test_key_file_inside_the_project_is_git_ignored_and_relative_in_settings(tmp_path, cli):
    project = tmp_path / "shop"
    done = cli(["init", str(project), "--key-file", str(project / "keys" / "dev.key")],
               env=isolated_env(tmp_path / "home"))
    assert done.returncode == 0, done.stderr
    assert "keys/dev.key" in (project / ".gitignore").read_text().splitlines()
    assert "ageKeyFile: keys/dev.key" in (project / "provisioner.yaml").read_text()
    assert stat.S_IMODE((project / "keys" / "dev.key").stat().st_mode) == 0o600


def test_bad_recipient_is_an_error_and_writes_nothing(tmp_path, cli):
    project = tmp_path / "shop"
    done = cli(["init", str(project), "--age-recipient", "age1nope"], env=isolated_env(tmp_path / "home"))
    assert done.returncode == 1
    assert "init.bad-recipient" in done.stdout
    assert not project.exists()


def test_init_json_output(tmp_path, cli):
    import json

    done = cli(["init", str(tmp_path / "p"), "--format", "json"], env=isolated_env(tmp_path / "home"))
    payload = json.loads(done.stdout)
    assert payload["ok"] is True
    assert {f["status"] for f in payload["files"]} == {"created"}


def test_canary_init_never_shows_or_passes_its_secrets(tmp_path, cli):
    home, project, tmp = tmp_path / "home", tmp_path / "shop", tmp_path / "tmp"
    tmp.mkdir()
    spy, log = write_argv_spy(tmp_path / "spy")
    done = cli(["init", str(project)], env=isolated_env(home, {"SOPS_BIN": str(spy), "TMPDIR": str(tmp)}))
    assert done.returncode == 0, done.stderr
    key = home / ".config" / "sops" / "age" / "keys.txt"
    secrets = _example_secrets(project, isolated_env(home, {"SOPS_AGE_KEY_FILE": str(key)}))
    assert all(len(s) == 32 for s in secrets)
    assert "--- argv" in log.read_text()
    written = _snapshot(project, home, tmp)
    for secret in secrets:
        assert secret not in done.stdout and secret not in done.stderr
        assert secret not in log.read_text()  # argv and environment of every sops call
        for path, data in written.items():
            assert secret.encode() not in data, path
