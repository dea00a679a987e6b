"""Every JSON document the tool prints, on a real small project: snake_case keys and a ``format_version``.

Exempt: values copied from the user's declarations keep the user's field names (a plan's ``before`` /
``after``, ``state show``'s ``spec``), and the JSON Schemas that ``schema`` prints are documents of their own.
Includes a state record written the 0.1 way (``elapsedMs`` in its last test): it reads as ``elapsed_ms``.
"""

from __future__ import annotations

import base64
import json
import os
import re
from typing import Any

from provisioner.apply.results import Verdict
from provisioner.render.state import last_test
from tests.support.cli import run_cli_inprocess
from tests.support.project import Project

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
DECLARED = {"spec", "before", "after", "schema"}


def bad_keys(value: Any, where: str = "$") -> list[str]:
    """Every key under ``value`` that is not snake_case, outside the subtrees copied from declarations."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, child in value.items():
            if not SNAKE.match(key):
                found.append(f"{where}.{key}")
            if key not in DECLARED:
                found += bad_keys(child, f"{where}.{key}")
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += bad_keys(child, f"{where}[{i}]")
    return found


def test_bad_keys_finds_camel_case_outside_declared_values():
    assert bad_keys({"a_b": [{"lastTest": 1}], "spec": {"baseUri": 1}, "no-op": 2}) == ["$.a_b[0].lastTest",
                                                                                     "$.no-op"]


def test_every_json_document_has_snake_case_keys_and_a_format_version(tmp_path, sandbox, creds):
    project = Project.create(tmp_path)
    project.write_connection("shop", sandbox.base_uri, creds)

    def run(*args: str, ok: bool = True) -> Any:
        done = run_cli_inprocess([*args, "--format", "json"], cwd=project.root, env=project.env)
        assert (done.returncode == 0) is ok, (args, done.stdout, done.stderr)
        document = json.loads(done.stdout)
        assert document["format_version"] == 1, args
        assert bad_keys(document) == [], args
        return document

    documents = {
        "validate": run("validate", "--decrypt"),
        "plan": run("plan", "--out", "plan.json"),
        "apply": run("apply", "plan.json"),
        "apply nothing": run("apply", "--auto-approve"),
        "test": run("test"),
        "test from state": run("test", "--from", "state"),
        "state list": run("state", "list"),
        "state show": run("state", "show", "shop"),
        "state history": run("state", "history"),
        "state locks": run("state", "locks"),
        "drift": run("drift"),
        "drift no test": run("drift", "--no-test"),
        "state history drift": run("state", "history", "--drift"),
        "show": run("show", "plan.json"),  # stale since apply: a banner, not an error
        "call": run("call", "shop", "/V1/store/storeConfigs"),
        "call refused": run("call", "shop", "http://example.com/", ok=False),
        "import nothing": run("import", "--all"),
        "state unlock": run("state", "unlock", "no-such-lock", ok=False),
        "schema": run("schema"),
        "schema out": run("schema", "--out", str(tmp_path / "schemas")),
        "init": run("init", str(tmp_path / "fresh"), "--age-recipient", project.age_key.recipient),
        "init sandbox": run("init", str(tmp_path / "sandboxed"), "--age-recipient", project.age_key.recipient,
                            "--sandbox"),
        "secrets updatekeys": run("secrets", "updatekeys", "--all"),
        "secrets rotate": run("secrets", "rotate", "connections/shop.yaml"),
    }
    plan_file = json.loads((project.root / "plan.json").read_text(encoding="utf-8"))
    assert bad_keys(plan_file) == [] and plan_file["format_version"] == 1
    assert plan_file["summary"]["noop"] == 0

    project.edit("shop", "timeoutSeconds: 30", "timeoutSeconds: 60")
    update = run("plan")
    assert update["summary"] == {"create": 0, "update": 1, "delete": 0, "noop": 0, "blocked": 0}
    assert update["changes"][0]["fields"][0]["path"] == "spec.advanced.timeoutSeconds"

    project.delete("shop")
    imported = run("import", "shop")
    assert imported["written"] == [{"address": "connection.shop", "file": "connections/shop.yaml"}]

    new_key = tmp_path / "new.key"
    new_key.write_text(base64.b64encode(os.urandom(32)).decode(), encoding="utf-8")
    documents["state rekey"] = run("state", "rekey", "--new-key-file", str(new_key))

    assert documents["apply"]["items"][0]["test"]["elapsed_ms"] is not None
    assert documents["state show"]["last_test"]["outcome"] == "ok"
    assert "elapsed_ms" in documents["state show"]["last_test"]
    assert documents["state unlock"]["error"]["code"]
    assert documents["drift"]["items"][0]["status"] == "in-sync"
    assert len(documents["state history drift"]["drift_runs"]) == 2
    assert documents["show"]["stale"] is True and documents["call"]["status"] == 200
    assert documents["call refused"]["error"]["code"] == "call-refused"
    assert {s["name"] for s in documents["schema"]["schemas"]} == {"connection", "agent", "provisioner"}
    assert documents["secrets rotate"]["files"][0]["status"] == "rotated"
    assert documents["init sandbox"]["sandbox_command"].startswith("provisioner sandbox --integrations ")


def test_a_0_1_record_presents_its_last_test_in_snake_case():
    old = {"outcome": "ok", "status": 200, "elapsedMs": 12.5, "message": None, "hint": None,
           "testedAt": "2026-11-30T10:00:00+00:00"}
    new = {**Verdict(ok=True, outcome="ok", status=200, elapsed_ms=12.5).to_record(),
           "tested_at": "2026-11-30T10:00:00+00:00"}
    assert "elapsed_ms" in new
    assert last_test(old) == last_test(new) == new
