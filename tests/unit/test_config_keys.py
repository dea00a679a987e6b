"""provisioner.yaml: an unknown key is an error at its file:line:column, with "did you mean"; the schema agrees."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from provisioner.config import load_config
from provisioner.config_schema import config_schema
from provisioner.errors import ConfigError

VALID = """\
workspace: default
state:
  url: sqlite:///.provisioner/state.db
  keyFile: ~/.config/provisioner/state/x.key
paths: [connections]
secrets:
  ageKeyFile: ~/.config/sops/age/keys.txt
target: {type: local}
"""


@pytest.mark.parametrize(("text", "where", "key", "hint"), [
    ("workspce: default\n", "1:1", "workspce", "did you mean `workspace`?"),
    ("workspace: a\npath: [x]\n", "2:1", "path", "did you mean `paths`?"),
    ("state:\n  url: sqlite:///x.db\n  keyfile: k\n", "3:3", "state.keyfile", "did you mean `state.keyFile`?"),
    ("secrets:\n    agekeyfile: k\n", "2:5", "secrets.agekeyfile", "did you mean `secrets.ageKeyFile`?"),
    ("zzz: 1\n", "1:1", "zzz", "keys allowed here: workspace, state, paths, secrets, target"),
])
def test_an_unknown_key_is_an_error_at_its_position(tmp_path, text, where, key, hint):
    path = tmp_path / "provisioner.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.message == f"{path}:{where}: unknown key `{key}` in provisioner.yaml"
    assert caught.value.hint == hint
    assert caught.value.code == "config-unknown-key"
    # the published schema rejects the same file
    assert not Draft202012Validator(config_schema()).is_valid(YAML(typ="safe").load(text))


def test_every_documented_key_is_accepted_by_both(tmp_path):
    (tmp_path / "provisioner.yaml").write_text(VALID, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.workspace == "default" and config.target == {"type": "local"}
    Draft202012Validator(config_schema()).validate(YAML(typ="safe").load(VALID))
