"""``target:`` in provisioner.yaml through the real CLI: local (named or by default) applies as always; a typo fails."""

from __future__ import annotations

import pytest

from provisioner.sandbox import SandboxConfig, running_sandbox
from tests.support.magento import Creds
from tests.support.project import Project, summary


@pytest.fixture
def project(tmp_path):
    return Project.create(tmp_path)


def set_target(project: Project, setting: str) -> None:
    settings = project.root / "provisioner.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + setting, encoding="utf-8")


def test_target_local_named_explicitly_applies_as_the_default_does(project):
    set_target(project, "target: {type: local}\n")
    shop = Creds.fresh()
    with running_sandbox(SandboxConfig((shop.integration(),))) as sb:
        project.write_connection("shop", sb.base_uri, shop)
        done = project.cli("apply", "--auto-approve")
    assert done.returncode == 0, summary(done)
    assert "Apply complete: 1 applied" in done.stdout
    assert dict(project.records()["connection.shop"].target_outputs) == {}


@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve")])
def test_an_unknown_target_type_fails_before_any_work_with_a_suggestion(project, command):
    set_target(project, "target: locl\n")
    done = project.cli(*command)
    assert done.returncode == 1, summary(done)
    assert "unknown target type 'locl'" in done.stderr and "did you mean 'local'?" in done.stderr, summary(done)
    assert "Traceback" not in done.stderr
    assert not (project.root / ".provisioner").exists()  # nothing was opened, let alone created
