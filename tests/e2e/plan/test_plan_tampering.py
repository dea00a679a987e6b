"""An altered plan file is refused by `apply`, through the real CLI, with nothing applied (issue 11, defect 1).

The reviewed plan updates alpha (a file edit), creates gamma (a new file) and holds back the
delete of beta (its file removed, no --allow-delete). Each attack from the issue is made to that
plan file: without the state key (the MAC kept, or a plain SHA-256 recomputed) it is refused as
modified; re-signed with the key (a holder of the key) it is refused because it differs from what
the files and the state give now. Either way: exit 1, the state's serial, records and history
unchanged. The unaltered plan still applies afterwards.
"""

from __future__ import annotations

import os
import shutil

import pytest

from provisioner.sandbox import Sandbox
from tests.support.project import Project, summary
from tests.unit.plan.planfiles import change_of, tamper

MODIFIED = "the plan file was modified after it was written (or made with another state key)"
ATTACKER = "https://attacker.example/rest"


def state_of(project: Project):
    with project.store() as store:
        snap = store.snapshot()
        return snap.serial, {a: r.spec for a, r in snap.records.items()}, len(store.history())


@pytest.fixture
def reviewed(tmp_path, sandbox: Sandbox, creds):
    """A project whose plan.json updates alpha, creates gamma and holds back the delete of beta."""
    project = Project.create(tmp_path)
    for name in ("alpha", "beta"):
        project.write_connection(name, sandbox.base_uri, creds)
    done = project.cli("apply", "--auto-approve")
    assert done.returncode == 0, summary(done)
    project.edit("alpha", "timeoutSeconds: 30", "timeoutSeconds: 10")
    project.write_connection("gamma", sandbox.base_uri, creds)
    project.delete("beta")
    planned = project.cli("plan", "--out", "plan.json")
    assert planned.returncode == 0, summary(planned)
    shutil.copy(project.root / "plan.json", project.root / "reviewed.json")
    return project


def base_uri(doc):
    change_of(doc, "connection.gamma")["after"]["spec"]["auth"]["baseUri"] = ATTACKER


def allow_delete(doc):
    doc["allow_delete"] = True
    change_of(doc, "connection.beta")["blocked"] = None
    doc["summary"]["blocked"] = 0


def kind_agent(doc):
    change_of(doc, "connection.gamma")["kind"] = "Agent"


def action_noop(doc):
    for address in ("connection.alpha", "connection.gamma"):
        change_of(doc, address)["action"] = "no-op"
    doc["summary"].update({"create": 0, "update": 0, "noop": 2})
    doc["has_changes"] = False


ATTACKS = [base_uri, allow_delete, kind_agent, action_noop]


def assert_refused_and_nothing_applied(project: Project, before, done, *words: str) -> None:
    assert done.returncode == 1, summary(done)
    for word in words:
        assert word in done.stderr, summary(done)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert ATTACKER not in done.stdout + done.stderr
    assert state_of(project) == before  # serial, every record's spec, the history: untouched
    project.assert_no_secret(done.stdout, done.stderr)


@pytest.mark.parametrize("how", ["old-mac", "plain-sha256"])
@pytest.mark.parametrize("attack", ATTACKS, ids=[a.__name__ for a in ATTACKS])
def test_an_edited_plan_file_is_refused_as_modified(reviewed, attack, how):
    before = state_of(reviewed)
    tamper(reviewed.root / "plan.json", attack, checksum=how == "plain-sha256")
    done = reviewed.cli("apply", "plan.json")
    assert_refused_and_nothing_applied(reviewed, before, done, MODIFIED, "[plan-file-modified]")
    assert "connection.beta" in state_of(reviewed)[1]  # the held-back delete stayed held back


@pytest.mark.parametrize(("attack", "named"), [
    (base_uri, "connection.gamma: after.spec.auth.baseUri differs"),
    (kind_agent, "connection.gamma: kind differs"),
    (action_noop, "connection.alpha: action differs"),
])
def test_an_edited_plan_file_re_signed_with_the_key_is_refused_naming_the_difference(reviewed, attack, named):
    before = state_of(reviewed)
    tamper(reviewed.root / "plan.json", attack, key=reviewed.state_key)
    done = reviewed.cli("apply", "plan.json")
    assert_refused_and_nothing_applied(reviewed, before, done, "[plan-file-modified]", "was modified", named)


def test_the_reviewed_plan_still_applies_after_the_refusals(reviewed):
    plan = reviewed.root / "plan.json"
    tamper(plan, base_uri)
    assert reviewed.cli("apply", "plan.json").returncode == 1
    shutil.copy(reviewed.root / "reviewed.json", plan)
    done = reviewed.cli("apply", "plan.json")
    assert done.returncode == 0, summary(done)
    serial, records, _ = state_of(reviewed)
    assert serial == 4  # alpha and beta at 1 and 2, then alpha's update and gamma's create; beta kept
    assert sorted(records) == ["connection.alpha", "connection.beta", "connection.gamma"]
    assert records["connection.alpha"]["spec"]["advanced"]["timeoutSeconds"] == 10
    assert records["connection.gamma"]["spec"]["auth"]["baseUri"] != ATTACKER
    assert reviewed.cli("test", "--from", "state").returncode == 0


def test_a_plan_file_from_another_project_is_refused_as_made_with_another_key(reviewed, tmp_path, sandbox, creds):
    other = Project.create(tmp_path / "other")
    for name in ("alpha", "gamma"):
        other.write_connection(name, sandbox.base_uri, creds)
    assert other.cli("apply", "--auto-approve", "--target", "alpha").returncode == 0
    before = state_of(other)
    shutil.copy(reviewed.root / "plan.json", other.root / "plan.json")
    done = other.cli("apply", "plan.json")
    assert_refused_and_nothing_applied(other, before, done, MODIFIED)


def test_a_plan_file_for_another_workspace_is_refused(reviewed):
    before = state_of(reviewed)
    done = reviewed.cli("apply", "plan.json", "--workspace", "staging")
    assert_refused_and_nothing_applied(reviewed, before, done, "plan for workspace 'default'")


def setter(name, value):
    return lambda doc: doc.__setitem__(name, value)


TYPE_CONFUSED = {
    "bool format_version": (setter("format_version", True), "format_version"),
    "float serial": (setter("serial", 2.0), "serial"),
    "string targets": (setter("targets", "connection.gamma"), "targets"),
    "extra key": (setter("apply_everything", True), "apply_everything: unknown field"),
    "missing key": (lambda doc: doc.pop("lineage"), "lineage: Field required"),
}


def test_a_type_confused_plan_file_is_refused_naming_the_field(reviewed):
    """One project, one CLI call per case (a table: the fixture costs four CLI runs)."""
    before = state_of(reviewed)
    for name, (edit, field) in TYPE_CONFUSED.items():
        path = reviewed.root / "confused.json"
        shutil.copy(reviewed.root / "reviewed.json", path)
        tamper(path, edit)
        done = reviewed.cli("apply", "confused.json")
        assert "[plan-file]" in done.stderr, f"{name}: {summary(done)}"
        assert_refused_and_nothing_applied(reviewed, before, done, field)


HOSTILE = {
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "not UTF-8": b'{"format_version": 1, "workspace": "\xff"}',
    "lone surrogate": b'{"format_version": 1, "workspace": "\\udc80"}',
    "NaN": b'{"format_version": 1, "serial": NaN}',
    "Infinity": b'{"format_version": 1, "serial": Infinity}',
    "50 MB": b'{"pad": "' + b"x" * (50 * 1024 * 1024) + b'"}',
}


def test_a_hostile_plan_file_is_a_clear_error_never_a_traceback_or_a_hang(reviewed):
    before = state_of(reviewed)
    paths = {}
    for name, data in HOSTILE.items():
        paths[name] = reviewed.root / f"hostile-{len(paths)}.json"
        paths[name].write_bytes(data)
    paths["/dev/zero"] = reviewed.root.parent / "zero"
    paths["/dev/zero"].symlink_to("/dev/zero")
    paths["a FIFO"] = reviewed.root / "fifo.json"
    os.mkfifo(paths["a FIFO"])  # nobody writes: a blocking open would hang apply (run_cli's timeout fails it)
    for name, path in paths.items():
        done = reviewed.cli("apply", str(path))
        assert "[plan-file]" in done.stderr, f"{name}: {summary(done)}"
        assert_refused_and_nothing_applied(reviewed, before, done)
