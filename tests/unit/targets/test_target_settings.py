"""``target:`` in provisioner.yaml: a type name or a mapping with a type; local by default; typos get a suggestion."""

from __future__ import annotations

import pytest

from provisioner.config import ProjectConfig, load_config
from provisioner.errors import ConfigError
from provisioner.targets import target_for
from provisioner.targets.local import LocalTarget


def project(tmp_path, text: str):
    (tmp_path / "provisioner.yaml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


@pytest.mark.parametrize("text", ["workspace: default\n", "target: local\n", "target: {type: local}\n",
                                  "target:\n  type: local\n", "target: null\n"])
def test_local_is_the_default_and_can_be_named_either_way(tmp_path, text):
    config = project(tmp_path, text)
    assert config.target == {"type": "local"}
    assert isinstance(target_for(config), LocalTarget)


def test_no_settings_file_means_the_local_target(tmp_path):
    assert load_config(tmp_path).target == {"type": "local"}
    assert target_for(ProjectConfig(root=tmp_path)).name == "local"


@pytest.mark.parametrize(("text", "hint"), [
    ("target: locl\n", "did you mean 'local'? known target types: integratorio, local"),
    ("target: {type: lokal}\n", "did you mean 'local'? known target types: integratorio, local"),
    ("target: {type: salesforce}\n", "known target types: integratorio, local"),
])
def test_an_unknown_type_is_a_config_error_with_a_suggestion(tmp_path, text, hint):
    with pytest.raises(ConfigError) as caught:
        project(tmp_path, text)
    assert "unknown target type" in caught.value.message and str(tmp_path) in caught.value.message
    assert caught.value.hint == hint


@pytest.mark.parametrize("text", ["target: [local]\n", "target: {region: eu}\n", "target: {type: 3}\n",
                                  "target: 7\n"])
def test_a_target_without_a_type_name_is_a_config_error(tmp_path, text):
    with pytest.raises(ConfigError, match="'target' must be a target type or a mapping with a 'type'"):
        project(tmp_path, text)


def test_local_takes_no_options(tmp_path):
    config = project(tmp_path, "target: {type: local, url: https://example.com}\n")
    with pytest.raises(ConfigError, match="the local target takes no options, got: url"):
        target_for(config)


def test_a_config_built_by_hand_is_checked_too(tmp_path):
    with pytest.raises(ConfigError, match="unknown target type 'nope'"):
        target_for(ProjectConfig(root=tmp_path, target={"type": "nope"}))
