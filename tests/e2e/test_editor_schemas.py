"""The published schemas as editors and CI use them: check-jsonschema and yaml-language-server on real files.

Encrypted files carry sops' metadata at the top level; the schemas accept it (and nothing else extra).
Within an auth block, completion offers only the fields the chosen signature method allows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import yaml_ls as yaml_ls_support
from tests.support.yaml_ls import YamlLanguageServer

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")
CONNECTION_FILES = sorted((REPO / "connections").glob("*.yaml"))
yaml_ls = yaml_ls_support.yaml_ls  # the module-scoped fixture: one server for this file


def _schema_for(path: Path) -> str:
    return "agent" if "kind: Agent" in path.read_text(encoding="utf-8") else "connection"


def check_jsonschema(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHECK_JSONSCHEMA, "--schemafile", str(schema), *map(str, files)],
                          capture_output=True, text=True, check=False, timeout=120)


def _without_sops(tmp_path: Path, name: str) -> Path:
    """A copy of a published schema whose top level forbids `sops` (what 0.1 published)."""
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    del schema["properties"]["sops"]
    out = tmp_path / f"{name}.schema.json"
    out.write_text(json.dumps(schema), encoding="utf-8")
    return out


def test_the_examples_are_encrypted_so_the_checks_below_see_sops_metadata() -> None:
    assert CONNECTION_FILES
    assert all("\nsops:\n" in p.read_text(encoding="utf-8") for p in CONNECTION_FILES)


@pytest.mark.parametrize("path", CONNECTION_FILES, ids=lambda p: p.name)
def test_every_file_in_connections_passes_check_jsonschema(path: Path) -> None:
    done = check_jsonschema(SCHEMAS / f"{_schema_for(path)}.schema.json", path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_schema_without_sops_rejects_an_encrypted_file(tmp_path: Path) -> None:
    done = check_jsonschema(_without_sops(tmp_path, "connection"), REPO / "connections" / "magento-prod.yaml")
    assert done.returncode == 1 and "'sops' was unexpected" in done.stdout


def test_the_schemas_accept_only_sops_as_an_extra_top_level_key(tmp_path: Path) -> None:
    text = (REPO / "connections" / "magento-prod.yaml").read_text(encoding="utf-8")
    extra = tmp_path / "extra.yaml"
    extra.write_text(text + "notes: hello\n", encoding="utf-8")
    done = check_jsonschema(SCHEMAS / "connection.schema.json", extra)
    assert done.returncode == 1 and "'notes' was unexpected" in done.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.split("\nsops:\n")[0] + "\nsops: yes\n", encoding="utf-8")
    assert check_jsonschema(SCHEMAS / "connection.schema.json", broken).returncode == 1


def test_provisioner_yaml_passes_its_schema_and_a_typo_does_not(tmp_path: Path) -> None:
    schema = SCHEMAS / "provisioner.schema.json"
    assert check_jsonschema(schema, REPO / "provisioner.yaml").returncode == 0
    typo = tmp_path / "provisioner.yaml"
    typo.write_text("workspce: default\n", encoding="utf-8")
    done = check_jsonschema(schema, typo)
    assert done.returncode == 1 and "'workspce' was unexpected" in done.stdout


@pytest.mark.parametrize("path", CONNECTION_FILES, ids=lambda p: p.name)
def test_yaml_language_server_reports_nothing_on_an_encrypted_file(yaml_ls: YamlLanguageServer, path: Path) -> None:
    assert "# yaml-language-server: $schema=../schemas/" in path.read_text(encoding="utf-8")
    assert yaml_ls.diagnostics(path) == []


def test_yaml_language_server_flags_sops_when_the_schema_forbids_it(
    yaml_ls: YamlLanguageServer, tmp_path: Path,
) -> None:
    schema = _without_sops(tmp_path, "connection")
    text = (REPO / "connections" / "magento-prod.yaml").read_text(encoding="utf-8")
    path = tmp_path / "prod.yaml"
    path.write_text(text.replace("$schema=../schemas/connection.schema.json", f"$schema={schema}"), encoding="utf-8")
    messages = [d["message"] for d in yaml_ls.diagnostics(path)]
    assert any("sops" in m for m in messages), messages


_PARTIAL = """\
# yaml-language-server: $schema={schema}
apiVersion: provisioner/v1
kind: Connection
metadata:
  name: shop
spec:
  application: magento2
  auth:
    type: oauth1
    signatureMethod: {method}
    {cursor}
"""


@pytest.mark.parametrize(("method", "offered", "not_offered"), [
    ("HMAC-SHA256", {"consumerSecret", "tokenSecret"}, {"consumerPrivateKey"}),
    ("PLAINTEXT", {"consumerSecret", "tokenSecret"}, {"consumerPrivateKey"}),
    ("RSA-SHA256", {"consumerPrivateKey"}, {"consumerSecret", "tokenSecret"}),
])
def test_completion_in_auth_offers_only_the_fields_the_method_allows(
    yaml_ls: YamlLanguageServer, tmp_path: Path, method: str, offered: set[str], not_offered: set[str],
) -> None:
    path = tmp_path / "partial.yaml"
    path.write_text(_PARTIAL.format(schema=SCHEMAS / "connection.schema.json", method=method, cursor=""),
                    encoding="utf-8")
    labels = set(yaml_ls.completion(path, 10, 4))
    assert {"baseUri", "consumerKey", "accessToken", "realm"} <= labels
    assert offered <= labels
    assert not (not_offered & labels), labels
    assert "sops" not in labels


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository `provisioner init` wrote (encrypted example included)."""
    from tests.support.cli import run_cli
    from tests.support.sops import isolated_env

    base = tmp_path_factory.mktemp("init")
    done = run_cli(["init", str(base / "shop")], env=isolated_env(base / "home"))
    assert done.returncode == 0, done.stderr + done.stdout
    return base / "shop"


def test_every_file_init_writes_passes_check_jsonschema_against_the_published_schemas(initialised: Path) -> None:
    for copy in (initialised / "schemas").iterdir():  # the copy is the published schema, byte for byte
        assert copy.read_bytes() == (SCHEMAS / copy.name).read_bytes()
    example = initialised / "connections" / "example.yaml"
    assert "\nsops:\n" in example.read_text(encoding="utf-8")
    for path, schema in [(example, "connection"), (initialised / "provisioner.yaml", "provisioner")]:
        done = check_jsonschema(SCHEMAS / f"{schema}.schema.json", path)
        assert done.returncode == 0, done.stdout + done.stderr


def test_yaml_language_server_reports_nothing_on_what_init_writes(
    yaml_ls: YamlLanguageServer, initialised: Path,
) -> None:
    # the modelines point into the repository's own schemas/ copy
    assert yaml_ls.diagnostics(initialised / "connections" / "example.yaml") == []
    assert yaml_ls.diagnostics(initialised / "provisioner.yaml") == []
    typo = initialised / "provisioner.yaml"
    typo.write_text(typo.read_text(encoding="utf-8") + "workspce: x\n", encoding="utf-8")
    assert [d for d in yaml_ls.diagnostics(typo) if "workspce" in d["message"]]
