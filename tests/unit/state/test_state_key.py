"""Where the state key comes from, and the clear errors when it is missing, malformed or misplaced."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from provisioner.config import ProjectConfig
from provisioner.errors import ConfigError
from provisioner.state import load_state_key

KEY = os.urandom(32)
TEXT = base64.b64encode(KEY).decode()


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROVISIONER_STATE_KEY", raising=False)


def _config(tmp_path: Path, key_file: Path | None) -> ProjectConfig:
    return ProjectConfig(root=tmp_path, state_url=f"sqlite:///{tmp_path / 'state' / 'state.db'}",
                         state_key_file=key_file)


def test_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROVISIONER_STATE_KEY", TEXT)
    assert load_state_key(_config(tmp_path, tmp_path / "absent.key")) == KEY


def test_a_key_file(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "state.key").write_text(TEXT + "\n")
    assert load_state_key(_config(tmp_path, tmp_path / "keys" / "state.key")) == KEY


@pytest.mark.parametrize(("env", "file_text", "message"), [
    (None, None, "no state key"),
    ("%%%", None, "not valid base64"),
    (base64.b64encode(b"short").decode(), None, "must be 32 bytes"),
    (None, "nope!", "not valid base64"),
    (None, "", "must be 32 bytes"),
])
def test_errors_name_the_problem_never_the_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 env: str | None, file_text: str | None, message: str) -> None:
    key_file = None
    if env is not None:
        monkeypatch.setenv("PROVISIONER_STATE_KEY", env)
    if file_text is not None:
        key_file = tmp_path / "k" / "state.key"
        key_file.parent.mkdir()
        key_file.write_text(file_text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_state_key(_config(tmp_path, key_file))
    for given in (env, file_text):
        if given:
            assert given not in str(caught.value) and given not in (caught.value.hint or "")


def test_a_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_state_key(_config(tmp_path, tmp_path / "k" / "absent.key"))


def test_a_key_file_beside_the_state_is_refused(tmp_path: Path) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "state.key").write_text(TEXT)
    with pytest.raises(ConfigError, match="inside the state's directory"):
        load_state_key(_config(tmp_path, tmp_path / "state" / "state.key"))
