"""``--format github`` for plan, test, apply and drift: workflow commands on the declaration's line.

One project, two connections to a sandbox: `shop` with the sandbox's credentials, `broken` with
credentials it does not know. Canaries: no secret in any line.
"""

from __future__ import annotations

import re

import pytest

from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from tests.support.magento import Creds
from tests.support.project import Project, summary

ANNOTATION = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def _line_of_name(project: Project, name: str) -> int:
    lines = project.path(name).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == f"name: {name}")


def _annotations(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    found = []
    for line in stdout.splitlines():
        match = ANNOTATION.match(line)
        assert match, f"not a workflow command: {line!r}"
        props = dict(p.split("=", 1) for p in (match.group(2) or "").split(",") if p)
        found.append((match.group(1), props, match.group(3)))
    return found


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    base = tmp_path_factory.mktemp("ci")
    good, bad = Creds.fresh("CANARY"), Creds.fresh("CANARYBAD")
    with running_sandbox(SandboxConfig((good.integration(),), magento=MagentoVersion.V2_4_4)) as sandbox:
        project = Project.create(base)
        project.write_connection("shop", sandbox.base_uri, good)
        project.write_connection("broken", sandbox.base_uri, bad)
        yield project, {
            "plan": project.cli("plan", "--format", "github"),
            "test": project.cli("test", "--format", "github"),
            "apply": project.cli("apply", "--auto-approve", "--format", "github"),
            "drift": project.cli("drift", "--format", "github"),
        }


def _at(props: dict[str, str], project: Project, name: str) -> bool:
    return props.get("file") == f"connections/{name}.yaml" and props.get("line") == str(_line_of_name(project, name))


def test_plan_github_puts_each_change_on_its_declaration_line(story):
    project, done = story
    assert done["plan"].returncode == 0, summary(done["plan"])
    found = _annotations(done["plan"].stdout)
    for name in ("shop", "broken"):
        (level, props, message), = [a for a in found if f"connection.{name} " in a[2]]
        assert level == "notice" and _at(props, project, name) and props.get("col")
        assert "will be created" in message
    assert found[-1][0] == "notice" and "2 to create" in found[-1][2]


def test_test_github_is_an_error_on_the_failing_declaration_only(story):
    project, done = story
    assert done["test"].returncode == 1, summary(done["test"])
    found = _annotations(done["test"].stdout)
    errors = [a for a in found if a[0] == "error"]
    assert len(errors) == 1
    _, props, message = errors[0]
    assert _at(props, project, "broken") and message.startswith("unauthorized")
    assert "connection.broken" in props["title"]
    assert found[-1][0] == "notice" and "1 ok, 1 failed" in found[-1][2]


def test_apply_github_is_an_error_on_the_declaration_that_failed_its_test(story):
    project, done = story
    assert done["apply"].returncode == 1, summary(done["apply"])
    found = _annotations(done["apply"].stdout)
    (error,) = [a for a in found if a[0] == "error"]
    assert _at(error[1], project, "broken") and "connection.broken failed: unauthorized" in error[2]
    assert found[-1][0] == "notice" and "1 applied" in found[-1][2] and "1 failed" in found[-1][2]


def test_drift_github_puts_the_unapplied_declaration_on_its_line(story):
    project, done = story
    assert done["drift"].returncode == 2, summary(done["drift"])
    found = _annotations(done["drift"].stdout)
    (warning,) = [a for a in found if a[0] != "notice"]
    assert warning[0] == "warning" and _at(warning[1], project, "broken") and "unapplied" in warning[1]["title"]


def test_no_secret_in_any_annotation(story):
    project, done = story
    for run in done.values():
        project.assert_no_secret(run.stdout, run.stderr)
    assert project.secrets  # the canaries were there to find


def test_validate_gitlab_is_a_code_quality_report_with_no_secret(tmp_path, cli):
    import json

    secret = "CANARYplaintext0123456789abcdef01"
    (tmp_path / "connections").mkdir()
    (tmp_path / "connections" / "shop.yaml").write_text(
        "apiVersion: provisioner/v1\nkind: Connection\nmetadata:\n  name: shop\nspec:\n  application: magento2\n"
        "  auth:\n    type: oauth1\n    baseUri: https://shop.example.com/rest\n    signatureMethod: HMAC-SHA256\n"
        f"    consumerKey: k\n    consumerSecret: {secret}\n    accessToken: {secret}\n    tokenSecret: {secret}\n"
        "    realmm: x\n", encoding="utf-8")
    done = cli(["validate", "--format", "gitlab"], cwd=tmp_path)
    assert done.returncode == 1
    assert secret not in done.stdout and secret not in done.stderr
    report = json.loads(done.stdout)
    assert isinstance(report, list) and report
    for issue in report:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == "connections/shop.yaml"
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in report}) == len(report)  # one per issue
    by_check = {i["check_name"]: i for i in report}
    plaintext = sorted(i["location"]["lines"]["begin"] for i in report if i["check_name"] == "schema.plaintext-secret")
    assert plaintext == [12, 13, 14]
    assert by_check["schema.unknown-field"]["severity"] == "major"
    again = json.loads(cli(["validate", "--format", "gitlab"], cwd=tmp_path).stdout)
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in report]  # stable across runs
    fine = tmp_path / "ok"
    fine.mkdir()
    clean = cli(["validate", "--format", "gitlab", str(fine)], cwd=tmp_path)
    assert clean.returncode == 0 and json.loads(clean.stdout) == []
