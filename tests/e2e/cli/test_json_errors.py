"""With ``--format json`` every error is one JSON document on stdout, whichever command and whichever failure.

``{"format_version": 1, "error": {"code", "message", "hint", "diagnostics": [...]}}``, exit 1 (3 for a bug,
with ``crash_report``; the exception's message never appears: it could hold a secret).
"""

from __future__ import annotations

import json
import os

import pytest

from provisioner.render.errors import render_internal_error, write_crash_report
from provisioner.render.formats import OutputFormat
from tests.e2e.cli.test_usage_errors import COMMANDS
from tests.support.cli import run_cli_inprocess
from tests.support.sops import isolated_env

ERROR_KEYS = {"code", "message", "hint", "diagnostics"}

# A real failure of each command, run in an empty directory with no state key and no age key.
FAILURES = {
    "plan": ["plan"],
    "apply": ["apply", "--auto-approve"],
    "apply plan file": ["apply", "plan.json"],
    "test": ["test"],
    "test from state": ["test", "--from", "state"],
    "state list": ["state", "list"],
    "state show": ["state", "show", "shop"],
    "state history": ["state", "history"],
    "state locks": ["state", "locks"],
    "state unlock": ["state", "unlock", "0123"],
    "state rekey": ["state", "rekey", "--new-key-file", "missing.key"],
    "schema": ["schema", "--out", "/proc/no-such-dir"],
}


def _env(tmp_path):
    env = isolated_env(tmp_path / "home")
    for name in ("PROVISIONER_STATE_KEY", "PROVISIONER_STATE_KEY_FILE", "PROVISIONER_STATE_URL",
                 "PROVISIONER_WORKSPACE"):
        env.pop(name, None)
    return env


def _error_document(done):
    assert done.stdout.count('"format_version"') == 1, done.stdout
    document = json.loads(done.stdout)
    assert document["format_version"] == 1
    assert set(document) == {"format_version", "error"}
    assert set(document["error"]) >= ERROR_KEYS, document
    assert isinstance(document["error"]["diagnostics"], list)
    return document["error"]


@pytest.mark.parametrize("argv", FAILURES.values(), ids=FAILURES.keys())
@pytest.mark.parametrize("spelling", [["--format", "json"], ["-f", "json"], ["--format=json"]])
def test_a_failing_command_prints_one_json_error_document(tmp_path, argv, spelling):
    project = tmp_path / "empty"
    project.mkdir()
    done = run_cli_inprocess([*argv, *spelling], cwd=project, env=_env(tmp_path))
    assert done.returncode == 1, (done.stdout, done.stderr)
    error = _error_document(done)
    assert error["code"] not in ("usage", "internal"), error
    assert error["message"]


@pytest.mark.parametrize("argv", COMMANDS.values(), ids=COMMANDS.keys())
def test_every_command_reports_a_bad_flag_as_a_json_document(tmp_path, argv):
    done = run_cli_inprocess([*argv, "--format", "json", "--no-such-flag"], cwd=tmp_path, env=_env(tmp_path))
    assert done.returncode == 1
    assert _error_document(done)["code"] == "usage"


def test_invalid_declarations_carry_their_diagnostics(tmp_path):
    (tmp_path / "connections").mkdir()
    (tmp_path / "provisioner.yaml").write_text("paths: [connections]\n", encoding="utf-8")
    (tmp_path / "connections" / "bad.yaml").write_text("apiVersion: provisioner/v1\nkind: Connection\n",
                                                       encoding="utf-8")
    done = run_cli_inprocess(["test", "--format", "json"], cwd=tmp_path, env=_env(tmp_path))
    assert done.returncode == 1
    error = _error_document(done)
    assert error["code"] == "invalid-input"
    assert error["diagnostics"] and all(d["file"].endswith("bad.yaml") for d in error["diagnostics"])
    assert done.stderr == ""  # nothing human beside the document


def test_an_internal_error_is_a_json_document_without_the_exception_message(capsys):
    secret = "CANARY-" + os.urandom(8).hex()  # the source line holds the name, not the value
    try:
        raise ValueError(secret)
    except ValueError as exc:
        report = write_crash_report(exc)
        render_internal_error(exc, report, OutputFormat.JSON)
    out = capsys.readouterr().out
    error = json.loads(out)["error"]
    assert error["code"] == "internal"
    assert error["crash_report"] == str(report)
    assert "ValueError" in error["message"]
    assert secret not in out and secret not in report.read_text(encoding="utf-8")
    report.unlink()


def test_with_github_chosen_an_error_is_also_an_annotation(tmp_path):
    (tmp_path / "provisioner.yaml").write_text("state: [\n", encoding="utf-8")
    done = run_cli_inprocess(["validate", "--format", "github"], cwd=tmp_path, env=_env(tmp_path))
    assert done.returncode == 1
    assert done.stdout.startswith("::error title=config::") and len(done.stdout.splitlines()) == 1
    assert "error[config]:" in done.stderr
