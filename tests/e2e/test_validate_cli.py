"""``provisioner validate`` and ``provisioner schema`` as a user runs them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from tests.unit.declarations.samples import connection, dump, on_premise

Cli = Callable[..., CompletedProcess[str]]


def test_the_example_connections_are_valid(cli: Cli, repo_root: Path) -> None:
    done = cli(["validate", "connections/"], cwd=repo_root)
    assert done.returncode == 0, done.stdout + done.stderr
    # every example is something a real Magento 2.4.4+ store accepts: no warning at all
    assert re.search(r"^0 errors, 0 warnings in [4-9] files$", done.stderr, re.M), done.stdout + done.stderr


def test_every_example_carries_the_schema_modeline(repo_root: Path) -> None:
    files = sorted((repo_root / "connections").glob("*.yaml"))
    assert len(files) >= 4
    for file in files:
        first = file.read_text().splitlines()[0]
        kind = "agent" if "kind: Agent" in file.read_text() else "connection"
        assert first == f"# yaml-language-server: $schema=../schemas/{kind}.schema.json", file


def test_default_paths_come_from_provisioner_yaml_else_connections(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "connections").mkdir()
    (tmp_path / "connections" / "a.yaml").write_text(dump(connection()))
    done = cli(["validate"], cwd=tmp_path)
    assert done.returncode == 0 and "in 1 file" in done.stderr
    (tmp_path / "provisioner.yaml").write_text("paths: [decl]\n")
    (tmp_path / "decl").mkdir()
    (tmp_path / "decl" / "b.yaml").write_text(dump(connection(name="Bad")))
    done = cli(["validate"], cwd=tmp_path)
    assert done.returncode == 1
    assert "decl/b.yaml:4:9: error[schema.pattern]" in done.stdout


def test_human_output_shows_the_line_a_caret_and_a_hint(cli: Cli, tmp_path: Path) -> None:
    doc = connection()
    doc["spec"]["auth"]["consumerSecrett"] = doc["spec"]["auth"].pop("consumerSecret")
    (tmp_path / "c.yaml").write_text(dump(doc))
    done = cli(["validate", "c.yaml"], cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    at = lines.index("c.yaml:18:5: error[schema.unknown-field]: unknown field `spec.auth.consumerSecrett`")
    assert lines[at + 1].startswith("  18 |     consumerSecrett: ENC[")
    assert lines[at + 2] == " " * 11 + "^"
    assert "hint: did you mean `consumerSecret`?" in done.stdout
    assert done.stderr.strip().endswith("2 errors, 0 warnings in 1 file")


def test_github_annotations(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(dump(on_premise("missing")))
    done = cli(["validate", "--format", "github", "c.yaml"], cwd=tmp_path)
    assert done.returncode == 1
    assert re.search(r"^::error file=c\.yaml,line=\d+,col=\d+,title=check\.unknown-agent::connection 'shop-dc1'",
                     done.stdout, re.M), done.stdout
    doc = connection("HMAC-SHA1")
    (tmp_path / "c.yaml").write_text(dump(doc))
    done = cli(["validate", "--format", "github", "c.yaml"], cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("::warning file=c.yaml,line=14,col=5,title=check.magento-signature::")


def test_json_output_parses_and_lists_everything(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(dump(connection()))
    (tmp_path / "bad.yaml").write_text("a: [\n")
    done = cli(["validate", "--format", "json", "ok.yaml", "bad.yaml", "missing.yaml"], cwd=tmp_path)
    assert done.returncode == 1
    payload = json.loads(done.stdout)
    assert payload["valid"] is False and payload["errors"] == 2
    assert payload["declarations"] == ["connection.shop"]
    assert [(d["code"], d["file"], d["line"]) for d in payload["diagnostics"]] == [
        ("yaml.syntax", "bad.yaml", 2), ("load.not-found", "missing.yaml", None)
    ]


def test_a_plaintext_secret_never_reaches_the_output(cli: Cli, tmp_path: Path) -> None:
    canary = "canary-Secret-7f3a9"
    doc = connection()
    doc["spec"]["auth"]["tokenSecret"] = canary
    text = dump(doc).replace("  mode: cloud\n", "  mode: cloud\n  mode: cloud\n")
    text += f"---\napiVersion: provisioner/v1\nkind: Agent\nmetadata: {{name: a}}\nspec: {{accessToken: {canary}}}\n"
    (tmp_path / "c.yaml").write_text(text)
    for fmt in ("human", "json", "github"):
        done = cli(["validate", "--format", fmt, "c.yaml"], cwd=tmp_path)
        assert done.returncode == 1
        assert "plaintext-secret" in done.stdout
        assert canary not in done.stdout + done.stderr, fmt


def test_nothing_found_is_not_a_traceback(cli: Cli, tmp_path: Path) -> None:
    done = cli(["validate", "nope/"], cwd=tmp_path)
    assert done.returncode == 1
    assert "nope: error[load.not-found]" in done.stdout and "Traceback" not in done.stderr


def test_schema_prints_and_writes_the_published_schemas(cli: Cli, repo_root: Path, tmp_path: Path) -> None:
    done = cli(["schema", "--kind", "connection"], cwd=tmp_path)
    assert done.returncode == 0
    assert json.loads(done.stdout) == json.loads((repo_root / "schemas" / "connection.schema.json").read_text())
    both = json.loads(cli(["schema"], cwd=tmp_path).stdout)
    assert sorted(both) == ["agent.schema.json", "connection.schema.json", "provisioner.schema.json"]
    done = cli(["schema", "--out", "out"], cwd=tmp_path)
    assert done.returncode == 0
    for name in ("connection", "agent", "provisioner"):
        written = (tmp_path / "out" / f"{name}.schema.json").read_text()
        assert written == (repo_root / "schemas" / f"{name}.schema.json").read_text()


def test_ping_path_and_base_uri_warnings_as_a_user_sees_them(cli: Cli, tmp_path: Path) -> None:
    doc = connection()
    doc["spec"]["auth"]["baseUri"] = "https://shop.example.com/rest/V1"
    doc["spec"]["advanced"] = {"pingPath": "/V1/products?searchCriteria&a=1&a=2"}
    (tmp_path / "c.yaml").write_text(dump(doc))
    done = cli(["validate", "c.yaml"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    text = dump(doc).splitlines()
    base = next(i for i, line in enumerate(text, 1) if line.strip().startswith("baseUri:"))
    ping = next(i for i, line in enumerate(text, 1) if line.strip().startswith("pingPath:"))
    expected = ((base, "check.base-uri-v1"), (ping, "check.ping-path-pair"), (ping, "check.ping-path-duplicate"))
    for where, code in expected:
        column = text[where - 1].index(text[where - 1].strip()) + 1
        assert f"c.yaml:{where}:{column}: warning[{code}]" in done.stdout, done.stdout
    assert "The signature is invalid" in done.stdout and "hint: keep one of them" in done.stdout
    assert done.stderr.strip().endswith("0 errors, 3 warnings in 1 file")
