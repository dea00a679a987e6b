"""``provisioner state ...`` end to end in a child process: output never holds a secret or the key."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from provisioner.state import Store, open_store
from tests.integration.state.helpers import TOKEN, canary, connection, raw_sql

Cli = Callable[..., CompletedProcess[str]]


@dataclass
class Project:
    root: Path
    url: str
    key: bytes
    store: Store
    canaries: list[str]

    def env(self, **extra: str) -> dict[str, str]:
        env = {"PROVISIONER_STATE_URL": self.url, "PROVISIONER_STATE_KEY": base64.b64encode(self.key).decode()}
        env.update(extra)
        return env


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "provisioner.yaml").write_text("workspace: default\nstate:\n  url: sqlite:///.provisioner/state.db\n")
    url = (f"sqlite:///{root / '.provisioner' / 'state.db'}" if request.param == "sqlite"
           else str(request.getfixturevalue("postgres_url")))
    key = os.urandom(32)
    with open_store(url, workspace="default", key=key, create=True) as store:
        canaries = [canary() for _ in range(4)]
        store.put(connection("shop", secrets_={TOKEN: canaries[0], "spec.auth.tokenSecret": canaries[1]}),
                  action="create", actor="alice")
        store.put(connection("b2b", secrets_={TOKEN: canaries[2], "spec.auth.tokenSecret": canaries[3]}),
                  action="create", actor="bob")
        store.append_history("test", "connection.b2b", actor="bob", outcome="failed", detail="unauthorized")
        yield Project(root, url, key, store, canaries)


def _assert_clean(done: CompletedProcess[str], project: Project) -> None:
    text = done.stdout + done.stderr
    for value in [*project.canaries, base64.b64encode(project.key).decode()]:
        assert value not in text


def test_list_show_history_locks(cli: Cli, project: Project) -> None:
    runs = {args: cli(["state", *args], cwd=project.root, env=project.env()) for args in [
        ("list",), ("list", "--format", "json"), ("show", "shop"), ("show", "connection.shop", "--format", "json"),
        ("history",), ("history", "--limit", "2", "--format", "json"), ("locks",),
    ]}
    for done in runs.values():
        assert done.returncode == 0, done.stderr
        _assert_clean(done, project)
    listing = json.loads(runs[("list", "--format", "json")].stdout)
    assert [r["address"] for r in listing["records"]] == ["connection.b2b", "connection.shop"]
    assert listing["serial"] == 2
    assert "connection.shop" in runs[("list",)].stdout
    fingerprint = project.store.fingerprint("connection.shop", TOKEN, project.canaries[0])
    human = runs[("show", "shop")].stdout
    assert f"{TOKEN}: (sensitive) fingerprint {fingerprint[:12]}" in human
    assert fingerprint not in human  # a prefix only
    shown = json.loads(runs[("show", "connection.shop", "--format", "json")].stdout)
    assert {"path": TOKEN, "value": "(sensitive)", "fingerprint": fingerprint[:12]} in shown["secrets"]
    assert shown["spec"]["auth"]["baseUri"] == "https://shop.example.com/rest"
    history = json.loads(runs[("history", "--limit", "2", "--format", "json")].stdout)["entries"]
    assert [(e["action"], e["outcome"]) for e in history] == [("create", "ok"), ("test", "failed")]
    assert "no lock" in runs[("locks",)].stdout


def test_unlock_releases_a_held_lease(cli: Cli, project: Project) -> None:
    with project.store.lock("apply", timeout=1) as held:
        locks = cli(["state", "locks", "--format", "json"], cwd=project.root, env=project.env())
        assert json.loads(locks.stdout)["locks"][0]["lock_id"] == held.lock_id
        done = cli(["state", "unlock", held.lock_id], cwd=project.root, env=project.env())
        assert done.returncode == 0, done.stderr
        assert held.lock_id in done.stdout
        assert project.store.locks() == []
    again = cli(["state", "unlock", held.lock_id], cwd=project.root, env=project.env())
    assert again.returncode == 1 and "no lock" in again.stderr
    assert project.store.history()[-1].action == "unlock"


def test_rekey_then_only_the_new_key_opens(cli: Cli, project: Project, tmp_path: Path) -> None:
    new_key = os.urandom(32)
    key_file = tmp_path / "keys" / "new.key"
    key_file.parent.mkdir()
    key_file.write_text(base64.b64encode(new_key).decode() + "\n")
    done = cli(["state", "rekey", "--new-key-file", str(key_file)], cwd=project.root, env=project.env())
    assert done.returncode == 0, done.stderr
    assert "re-sealed 2 records" in done.stdout and "switch" in done.stderr
    _assert_clean(done, project)
    old = cli(["state", "list"], cwd=project.root, env=project.env())
    assert old.returncode == 1 and "wrong state key" in old.stderr
    new = cli(["state", "list"], cwd=project.root,
              env=project.env(PROVISIONER_STATE_KEY="", PROVISIONER_STATE_KEY_FILE=str(key_file)))
    assert new.returncode == 0, new.stderr


def test_clear_errors(cli: Cli, project: Project, tmp_path: Path) -> None:
    missing = cli(["state", "list"], cwd=project.root, env=project.env(PROVISIONER_STATE_KEY=""))
    assert missing.returncode == 1 and "no state key" in missing.stderr
    malformed = cli(["state", "list"], cwd=project.root, env=project.env(PROVISIONER_STATE_KEY="not base64!"))
    assert malformed.returncode == 1 and "not valid base64" in malformed.stderr
    wrong = cli(["state", "list"], cwd=project.root,
                env=project.env(PROVISIONER_STATE_KEY=base64.b64encode(os.urandom(32)).decode()))
    assert wrong.returncode == 1 and "wrong state key" in wrong.stderr
    raw_sql(project.url, "INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')")
    newer = cli(["state", "list"], cwd=project.root, env=project.env())
    assert newer.returncode == 1 and "newer than this provisioner" in newer.stderr
    for done in (missing, malformed, wrong, newer):
        _assert_clean(done, project)
        assert "Traceback" not in done.stderr


def test_unreachable_database_and_key_beside_the_state(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "provisioner.yaml").write_text("workspace: default\n")
    env = {"PROVISIONER_STATE_URL": "postgresql://postgres:hunter2-secret@127.0.0.1:1/state",
           "PROVISIONER_STATE_KEY": base64.b64encode(os.urandom(32)).decode()}
    down = cli(["state", "list"], cwd=tmp_path, env=env)
    assert down.returncode == 1 and "cannot connect to the state database" in down.stderr
    assert "hunter2-secret" not in down.stderr + down.stdout
    state_dir = tmp_path / "st"
    state_dir.mkdir()
    (state_dir / "state.key").write_text(base64.b64encode(os.urandom(32)).decode())
    beside = cli(["state", "list"], cwd=tmp_path, env={
        "PROVISIONER_STATE_URL": f"sqlite:///{state_dir / 'state.db'}", "PROVISIONER_STATE_KEY": "",
        "PROVISIONER_STATE_KEY_FILE": str(state_dir / "state.key")})
    assert beside.returncode == 1 and "inside the state's directory" in beside.stderr


def test_a_tampered_record_is_listed_as_such_and_quarantine_and_rm_repair_the_workspace(cli: Cli,
                                                                                       project: Project) -> None:
    old = raw_sql(project.url, "SELECT serial, mac, sealed FROM records WHERE address = 'connection.shop'")[0]
    project.store.put(connection("shop"), action="update", actor="alice")
    raw_sql(project.url, "UPDATE records SET serial = ?, mac = ?, sealed = ? WHERE address = 'connection.shop'",
            old)  # rolled back, partly: the MAC fails or the chain says older — tampered either way
    env = project.env()
    listed = cli(["state", "list"], cwd=project.root, env=env)
    assert listed.returncode == 0, listed.stderr
    assert "connection.b2b" in listed.stdout and "connection.shop  TAMPERED:" in listed.stdout
    assert "failed their integrity check" in listed.stderr
    as_json = json.loads(cli(["state", "list", "--format", "json"], cwd=project.root, env=env).stdout)
    assert [t["address"] for t in as_json["tampered"]] == ["connection.shop"]
    shown = cli(["state", "show", "shop"], cwd=project.root, env=env)
    assert shown.returncode == 1 and "connection.shop in workspace default failed its integrity check" in shown.stderr
    assert "state quarantine connection.shop" in shown.stderr

    quarantined = cli(["state", "quarantine", "shop"], cwd=project.root, env=env)
    assert quarantined.returncode == 0, quarantined.stderr
    assert "quarantined (kept aside for inspection) connection.shop" in quarantined.stdout
    assert "TAMPERED" not in cli(["state", "list"], cwd=project.root, env=env).stdout
    history = cli(["state", "history"], cwd=project.root, env=env).stdout
    assert "quarantine" in history and "connection.shop" in history

    refused = cli(["state", "rm", "b2b"], cwd=project.root, env=env)  # no terminal, no --yes
    assert refused.returncode == 1 and "without confirmation" in refused.stderr
    removed = cli(["state", "rm", "b2b", "--yes", "--format", "json"], cwd=project.root, env=env)
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout)["action"] == "rm"
    assert json.loads(cli(["state", "list", "--format", "json"], cwd=project.root, env=env).stdout)["records"] == []
    wrong = project.env(PROVISIONER_STATE_KEY=base64.b64encode(os.urandom(32)).decode())
    no_key = cli(["state", "rm", "shop", "--yes"], cwd=project.root, env=wrong)
    assert no_key.returncode != 0 and "wrong state key" in no_key.stderr
    for done in (listed, shown, quarantined, removed, no_key):
        _assert_clean(done, project)
