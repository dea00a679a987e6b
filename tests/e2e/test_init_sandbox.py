"""``provisioner init --sandbox``: the printed command starts a sandbox that knows the example's credentials,
and a newcomer's first validate --decrypt, plan and apply succeed — no Magento, no PATH, no export."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

from ruamel.yaml import YAML

from tests.support.cli import REPO_ROOT, cli_env
from tests.support.sops import isolated_env


def _start(command: str, cwd, env):
    argv = shlex.split(command)
    assert argv[:2] == ["provisioner", "sandbox"]
    child = subprocess.Popen([sys.executable, "-m", "provisioner", *argv[1:]], cwd=cwd, env=cli_env(env),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    lines = []
    for line in child.stdout:
        lines.append(line)
        if line.startswith("ready:"):
            return child, lines
    child.wait(timeout=10)
    raise AssertionError(f"the sandbox did not start: {lines}")


def test_init_sandbox_then_the_printed_command_then_apply_succeeds(tmp_path, cli):
    home, project = tmp_path / "home", tmp_path / "shop"
    env = isolated_env(home, {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT)})
    done = cli(["init", str(project), "--sandbox", "--format", "json"], env=env)
    assert done.returncode == 0, done.stderr + done.stdout
    payload = json.loads(done.stdout)
    command = payload["sandbox_command"]
    assert command in payload["next_steps"][0]
    integrations = project / ".provisioner" / "sandbox-integrations.yaml"
    assert integrations.stat().st_mode & 0o777 == 0o600
    assert ".provisioner/" in (project / ".gitignore").read_text().splitlines()
    (entry,) = YAML(typ="safe").load(integrations.read_text())["integrations"]
    secrets = [entry[k] for k in ("consumerSecret", "accessToken", "tokenSecret")]
    example = (project / "connections" / "example.yaml").read_text()
    port = command.rsplit(" ", 1)[1]
    assert f"baseUri: http://127.0.0.1:{port}/rest" in example
    assert entry["consumerKey"] in example and not any(s in example for s in secrets)

    sandbox, ready = _start(command, project, env)
    try:
        assert f"port: {port}\n" in ready
        for step in (["validate", "--decrypt"], ["plan", "--detailed-exitcode"], ["apply", "--auto-approve"]):
            run = cli(step, cwd=project, env=env)
            expected = 2 if step[0] == "plan" else 0
            assert run.returncode == expected, (step, run.stdout, run.stderr)
            assert not any(s in run.stdout + run.stderr for s in secrets)
        state = cli(["test", "--from", "state"], cwd=project, env=env)
        assert state.returncode == 0 and "ok" in state.stdout, state.stdout + state.stderr
        again = cli(["plan", "--detailed-exitcode"], cwd=project, env=env)
        assert again.returncode == 0, again.stdout + again.stderr
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
        if sandbox.stdout:
            sandbox.stdout.close()


def test_without_sandbox_there_is_no_integrations_file_and_no_command(tmp_path, cli):
    done = cli(["init", str(tmp_path / "p"), "--format", "json"], env=isolated_env(tmp_path / "home"))
    assert done.returncode == 0
    assert json.loads(done.stdout)["sandbox_command"] is None
    assert not (tmp_path / "p" / ".provisioner").exists()
