"""``provisioner import``: declarations written back from the state, encrypted as they are written.

The round trip: apply, delete two files, ``import --all``, then ``validate`` passes and ``plan`` says no
changes. The written files hold only ``ENC[...]`` for secrets, and no plaintext secret reaches the disk at
any moment: the temp dir and the project are searched while sops runs and while the command runs, and every
file under the test's directory afterwards.
"""

from __future__ import annotations

import json
import re

import pytest

from provisioner.sandbox import MagentoVersion, SandboxConfig, running_sandbox
from tests.e2e.imports.watch import DiskWatcher, files_holding, scanning_sops
from tests.support.magento import Creds, token
from tests.support.project import Project, summary
from tests.support.proxy import forwarding_proxy

SECRET_LINE = re.compile(r"^\s*(consumerSecret|accessToken|tokenSecret|consumerPrivateKey):\s*(.*)$")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.getfixturevalue("postgres_url") if request.param == "postgresql" else None


@pytest.fixture
def applied(tmp_path, backend):
    shop, signed = Creds.fresh("CANARY"), Creds.fresh("CANARY")
    config = SandboxConfig((shop.integration("erp"), signed.integration("pim")), magento=MagentoVersion.ANY)
    with running_sandbox(config) as sb, forwarding_proxy() as (proxy_url, _):
        project = Project.create(tmp_path, state_url=backend)
        project.write_connection("shop", sb.base_uri, shop)
        project.write_connection("signed", sb.base_uri, signed, method="RSA-SHA256")
        project.write_agent("dc1", token("CANARY"), proxy_url)
        project.write_connection("plant", sb.base_uri, shop, agent="dc1")
        done = project.cli("apply", "--auto-approve")
        assert done.returncode == 0, summary(done)
        yield project


def secret_values(text: str) -> list[str]:
    return [m.group(2) for line in text.splitlines() if (m := SECRET_LINE.match(line))]


def test_round_trip_never_puts_a_plaintext_secret_on_the_disk(applied, tmp_path):
    project = applied
    project.delete("shop")
    project.delete("signed")
    temp = tmp_path / "tmp"
    temp.mkdir()
    project.env["TMPDIR"] = str(temp)
    spy = tmp_path / "spy"
    scan = scanning_sops(project, spy, [temp, project.root])

    with DiskWatcher(project.secrets, [temp, project.root], skip=spy) as watcher:
        done = project.cli("import", "--all")
    assert done.returncode == 0, summary(done)
    assert "imported  connection.shop -> connections/shop.yaml" in done.stdout
    assert "imported  connection.signed -> connections/signed.yaml" in done.stdout
    assert scan.hits.read_text(encoding="utf-8") == ""
    assert len(scan.scans.read_text(encoding="utf-8").split()) == 2  # one encrypt call per file, each scanned
    assert watcher.found == set() and watcher.rounds > 0

    for name, fields in (("shop", 3), ("signed", 2)):
        text = project.path(name).read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../schemas/connection.schema.json\n")
        values = secret_values(text)
        assert len(values) == fields and all(re.fullmatch(r"ENC\[AES256_GCM,.*\]", v) for v in values), text
        project.assert_no_secret(text)
    project.assert_no_secret(done.stdout, done.stderr)

    validated = project.cli("validate")
    assert validated.returncode == 0, summary(validated)
    planned = project.cli("plan", "--detailed-exitcode")
    assert planned.returncode == 0, summary(planned)
    assert "No changes. 4 up to date." in planned.stdout
    decrypted = project.cli("validate", "--decrypt")  # the ciphertexts hold the values the state held
    assert decrypted.returncode == 0, summary(decrypted)
    assert files_holding(project.secrets, [tmp_path], skip=spy) == []

    again = project.cli("import", "--all")
    assert again.returncode == 0 and "Nothing to import" in again.stdout
    named = project.cli("import", "shop", "--format", "json")
    assert named.returncode == 0, summary(named)
    assert json.loads(named.stdout)["skipped"] == [
        {"address": "connection.shop", "reason": "declared already in connections/shop.yaml"}]


def test_refuses_to_overwrite_and_writes_nothing(applied, tmp_path):
    project = applied
    project.delete("shop")
    project.delete("signed")
    out = tmp_path / "elsewhere"
    out.mkdir()
    (out / "signed.yaml").write_text("mine\n", encoding="utf-8")
    done = project.cli("import", "--all", "--out", str(out))
    assert done.returncode == 1, summary(done)
    assert "error[import-exists]:" in done.stderr and "signed.yaml exists" in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["signed.yaml"]
    assert (out / "signed.yaml").read_text(encoding="utf-8") == "mine\n"
    with project.store() as store:
        serial = store.snapshot().serial

    (out / "signed.yaml").unlink()
    done = project.cli("import", "shop", "signed", "--out", str(out))
    assert done.returncode == 0, summary(done)
    assert sorted(p.name for p in out.iterdir()) == ["shop.yaml", "signed.yaml"]
    assert (out / "shop.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../project/schemas/connection.schema.json\n")
    with project.store() as store:
        assert store.snapshot().serial == serial + 2  # the new ciphertext digests are recorded
        assert [h.action for h in store.history(limit=2)] == ["import", "import"]


def test_names_agents_and_errors(applied):
    project = applied
    project.delete("plant")
    project.delete("dc1")
    done = project.cli("import", "plant")
    assert done.returncode == 0, summary(done)
    assert "connection.plant is tested through agent dc1, which is not declared: import it too" in done.stderr
    done = project.cli("import", "dc1")
    assert done.returncode == 0, summary(done)
    assert "imported  agent.dc1 -> connections/agent-dc1.yaml" in done.stdout
    text = (project.root / "connections" / "agent-dc1.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/agent.schema.json\n")
    planned = project.cli("plan", "--detailed-exitcode")
    assert planned.returncode == 0, summary(planned)

    unknown = project.cli("import", "nope", "--format", "json")
    assert unknown.returncode == 1 and json.loads(unknown.stdout)["error"]["code"] == "unknown-record"
    both = project.cli("import", "shop", "--all")
    assert both.returncode == 1 and "error[usage]" in both.stderr
    project.assert_no_secret(done.stdout, done.stderr, text, unknown.stdout, both.stderr)


def test_no_secret_in_any_import_output(applied, tmp_path):
    """Human and JSON, for what was imported, skipped, refused and unknown; the files written."""
    project = applied
    project.delete("shop")
    project.delete("dc1")
    texts = []
    for fmt in ("human", "json"):
        out = tmp_path / f"out-{fmt}"
        out.mkdir()
        for args, expected in ((["--all", "--out", str(out)], 0),  # imported
                               (["--all", "--out", str(out)], 1),  # refused: the files exist now
                               (["signed"], 0),  # skipped: declared already
                               (["nope"], 1), (["shop", "--all"], 1)):
            done = project.cli("import", *args, "--format", fmt)
            assert done.returncode == expected, summary(done)
            texts += [done.stdout, done.stderr]
        texts += [p.read_text(encoding="utf-8") for p in sorted(out.iterdir())]
    assert any("agent.dc1" in t for t in texts) and any("import-exists" in t for t in texts)
    project.assert_no_secret(*texts)
