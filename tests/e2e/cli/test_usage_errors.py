"""The exit-code contract for usage errors: every command and subcommand exits 1 with one error line.

Usage errors (unknown flag, bad choice, missing argument, bad value, unknown or no command) exit 1,
never 2 (2 means changes or drift); ``--help`` exits 0. Run in-process: parsing is the point, not the process.
"""

from __future__ import annotations

import json

import pytest

from tests.support.cli import run_cli_inprocess

# Every command and subcommand, with its required arguments filled in (so only the flag under test is wrong).
COMMANDS: dict[str, list[str]] = {
    "init": ["init"],
    "validate": ["validate"],
    "plan": ["plan"],
    "apply": ["apply"],
    "test": ["test"],
    "state list": ["state", "list"],
    "state show": ["state", "show", "shop"],
    "state history": ["state", "history"],
    "state locks": ["state", "locks"],
    "state unlock": ["state", "unlock", "0123"],
    "state rekey": ["state", "rekey", "--new-key-file", "new.key"],
    "schema": ["schema"],
    "show": ["show", "plan.json"],
    "import": ["import", "--all"],
    "call": ["call", "shop", "/V1/store/storeConfigs"],
    "sandbox": ["sandbox", "--integrations", "integrations.yaml"],
    "secrets edit": ["secrets", "edit", "x.yaml"],
    "secrets updatekeys": ["secrets", "updatekeys", "--all"],
    "secrets rotate": ["secrets", "rotate", "x.yaml"],
    "secrets encrypt": ["secrets", "encrypt", "x.yaml"],
}

# What a "missing argument" is for each: a required argument or option left out, else an option without its value.
MISSING: dict[str, list[str]] = {
    **{name: [*argv, "--workspace"] for name, argv in COMMANDS.items()},
    "init": ["init", "--key-file"],
    "validate": ["validate", "--path"],
    "schema": ["schema", "--out"],
    "state show": ["state", "show"],
    "state unlock": ["state", "unlock"],
    "state rekey": ["state", "rekey"],
    "sandbox": ["sandbox"],
    "show": ["show"],
    "call": ["call", "shop"],
    "import": ["import", "--out"],
    "secrets edit": ["secrets", "edit"],
    "secrets updatekeys": ["secrets", "updatekeys", "--format"],
    "secrets rotate": ["secrets", "rotate", "--format"],
    "secrets encrypt": ["secrets", "encrypt"],
}

CASES = [
    *[pytest.param([*argv, "--no-such-flag"], id=f"{name}-unknown-flag") for name, argv in COMMANDS.items()],
    *[pytest.param([*argv, "--format", "xml"], id=f"{name}-bad-choice") for name, argv in COMMANDS.items()],
    *[pytest.param(argv, id=f"{name}-missing-argument") for name, argv in MISSING.items()],
    pytest.param(["plan", "--detailed-exitcod"], id="plan-misspelt-flag"),
    pytest.param(["plan", "--parallelism", "0"], id="plan-parallelism-out-of-range"),
    pytest.param(["apply", "-p", "65"], id="apply-parallelism-out-of-range"),
    pytest.param(["test", "-p", "many"], id="test-parallelism-not-a-number"),
    pytest.param(["test", "--from", "nowhere"], id="test-bad-source"),
    pytest.param(["state", "history", "--limit", "0"], id="state-history-bad-limit"),
    pytest.param(["apply", "--lock-timeout", "soon"], id="apply-bad-lock-timeout"),
    pytest.param(["schema", "--kind", "robot"], id="schema-bad-kind"),
    pytest.param(["sandbox", "--integrations", "i.yaml", "--port", "70000"], id="sandbox-bad-port"),
    pytest.param(["plan", "--format", "gitlab"], id="plan-format-it-does-not-offer"),
    pytest.param(["secrets", "updatekeys"], id="secrets-updatekeys-neither-files-nor-all"),
    pytest.param(["secrets", "rotate", "x.yaml", "--all"], id="secrets-rotate-files-and-all"),
    pytest.param(["secrets"], id="no-secrets-command"),
    pytest.param(["import"], id="import-neither-names-nor-all"),
    pytest.param(["import", "shop", "--all"], id="import-names-and-all"),
    pytest.param(["show", "plan.json", "--format", "github"], id="show-format-it-does-not-offer"),
    pytest.param(["call", "shop", "/V1/x", "--format", "markdown"], id="call-format-it-does-not-offer"),
    pytest.param(["nope"], id="unknown-command"),
    pytest.param(["state", "nope"], id="unknown-state-command"),
    pytest.param([], id="no-command"),
    pytest.param(["state"], id="no-state-command"),
]


@pytest.mark.parametrize("argv", CASES)
def test_usage_error_exits_1_with_one_error_line(tmp_path, argv):
    done = run_cli_inprocess(argv, cwd=tmp_path)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 2, done.stderr
    assert lines[0].startswith("error[usage]: ")
    assert lines[1].startswith("  hint: Try 'provisioner") and lines[1].endswith("--help' for help.")
    assert list(tmp_path.iterdir()) == []  # a usage error does no work


def test_bad_format_lists_the_accepted_ones(tmp_path):
    done = run_cli_inprocess(["test", "--format", "xml"], cwd=tmp_path)
    assert "'xml' is not one of human, json" in done.stderr
    done = run_cli_inprocess(["plan", "-f", "gitlab"], cwd=tmp_path)
    assert "'gitlab' is not one of human, json, markdown" in done.stderr


def test_the_hint_names_the_subcommand(tmp_path):
    done = run_cli_inprocess(["state", "show"], cwd=tmp_path)
    assert done.stderr.splitlines() == ["error[usage]: Missing argument 'NAME'.",
                                        "  hint: Try 'provisioner state show --help' for help."]


@pytest.mark.parametrize("argv", [
    ["--no-such-flag", "-f", "json"], ["plan", "--format", "json", "--bogus"], ["plan", "--format=json", "-p", "0"],
    ["state", "show", "-fjson"], ["test", "--from", "nowhere", "-f", "json"],
], ids=" ".join)
def test_a_usage_error_with_json_requested_is_one_json_document(tmp_path, argv):
    done = run_cli_inprocess(argv, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == ""
    document = json.loads(done.stdout)
    assert document["format_version"] == 1
    assert document["error"]["code"] == "usage"
    assert set(document["error"]) == {"code", "message", "hint", "diagnostics"}


@pytest.mark.parametrize("argv", [["--help"], *[[*argv[:2 if argv[0] in ("state", "secrets") else 1], "--help"]
                                                for argv in COMMANDS.values()], ["state", "--help"], ["--version"]],
                         ids=" ".join)
def test_help_exits_0_and_shows_no_python_types(tmp_path, argv):
    done = run_cli_inprocess(argv, cwd=tmp_path, env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    for python_type in ("<list", "<int", "<str", "<float", "<path", "[str]", "[Path]", "INTEGER", "RANGE", "TEXT"):
        assert python_type not in done.stdout, (python_type, done.stdout)


def test_shell_completion_lists_commands(tmp_path):
    done = run_cli_inprocess([], cwd=tmp_path, env={
        "_PROVISIONER_COMPLETE": "complete_bash", "COMP_WORDS": "provisioner pl", "COMP_CWORD": "1"})
    assert done.returncode == 0
    assert done.stdout.split() == ["plan"]
    done = run_cli_inprocess([], cwd=tmp_path, env={
        "_PROVISIONER_COMPLETE": "complete_bash", "COMP_WORDS": "provisioner state l", "COMP_CWORD": "2"})
    assert sorted(done.stdout.split()) == ["list", "locks"]


def test_the_installed_entry_point_keeps_the_contract(tmp_path):
    """Once through a real process (``python -m provisioner``): the in-process runs above stand for it."""
    from tests.support.cli import run_cli

    misspelt = run_cli(["plan", "--detailed-exitcod"], cwd=tmp_path)
    assert misspelt.returncode == 1
    assert misspelt.stderr.startswith("error[usage]: No such option: --detailed-exitcod")
    bare = run_cli([], cwd=tmp_path)
    assert bare.returncode == 1 and "missing command" in bare.stderr
    as_json = run_cli(["test", "--from", "nowhere", "-f", "json"], cwd=tmp_path)
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["error"]["code"] == "usage"
