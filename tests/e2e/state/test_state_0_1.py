"""A state written by release 0.1 (tests/fixtures/state-0.1, made by its make.sh) opens and keeps working.

On SQLite (the committed state.db) and PostgreSQL (state-postgres.sql loaded into a fresh database):
every record verifies, the committed declarations plan as no changes, ``test --from state`` passes
against the sandbox the fixture's baseUris point at, and an edit applies and converges.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from provisioner.sandbox import SandboxConfig, running_sandbox
from provisioner.sandbox.agent_proxy import running_agent_proxy
from provisioner.sandbox.integrations import load_integrations
from provisioner.state import open_store
from tests.integration.state.helpers import raw_sql
from tests.integration.state.legacy import ADDRESSES, FIXTURE, fixture_key, load_0_1_state

Cli = Callable[..., CompletedProcess[str]]
SANDBOX_PORT, AGENT_PORT = 18391, 18392  # written in the fixture's declarations (baseUri, proxyUrl)


@contextlib.contextmanager
def _servers() -> Iterator[None]:
    integrations = load_integrations(FIXTURE / "sandbox-integrations.yaml").integrations
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(running_sandbox(SandboxConfig(integrations, port=SANDBOX_PORT)))
            stack.enter_context(running_agent_proxy({"magento.dc1.internal": ("127.0.0.1", SANDBOX_PORT)},
                                                    port=AGENT_PORT))
        except OSError as exc:
            pytest.fail(f"the 0.1 fixture needs 127.0.0.1:{SANDBOX_PORT} and :{AGENT_PORT} free "
                        f"(its declarations point there): {exc}")
        yield


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE / "connections", root / "connections")
    shutil.copy(FIXTURE / "provisioner.yaml", root / "provisioner.yaml")
    url = (f"sqlite:///{root / '.provisioner' / 'state.db'}" if request.param == "sqlite"
           else str(request.getfixturevalue("postgres_url")))
    load_0_1_state(url)
    env = {"PROVISIONER_STATE_URL": url, "PROVISIONER_STATE_KEY_FILE": str(FIXTURE / "state.key"),
           "SOPS_AGE_KEY_FILE": str(FIXTURE / "age.key"), "PROVISIONER_STATE_KEY": "",
           "PROVISIONER_WORKSPACE": "", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    return root, env


def test_a_0_1_state_opens_verifies_plans_clean_tests_and_takes_an_edit(cli: Cli, project: tuple[Path, dict[str, str]],
                                                                         ) -> None:
    root, env = project
    url, key = env["PROVISIONER_STATE_URL"], fixture_key()
    with open_store(url, workspace="default", key=key) as store:  # migrates the schema (adds columns)
        assert {v for _, v in raw_sql(url, "SELECT address, format_version FROM records")} == {1}  # as 0.1 wrote
        snap = store.snapshot()  # every record verified against its (version 1) MAC
        assert sorted(snap.records) == ADDRESSES
        assert snap.serial == 6
        assert [e.action for e in store.history()] == ["create"] * 5 + ["update"]
        for address in ADDRESSES:
            assert store.unseal(address)  # sealed secrets open with the 0.1 key
    with _servers():
        planned = cli(["plan", "--detailed-exitcode"], cwd=root, env=env)
        assert planned.returncode == 0, planned.stdout + planned.stderr
        tested = cli(["test", "--from", "state"], cwd=root, env=env)
        assert tested.returncode == 0, tested.stdout + tested.stderr

        prod = root / "connections" / "magento-prod.yaml"
        prod.write_text(prod.read_text().replace("timeoutSeconds: 10", "timeoutSeconds: 20"))
        applied = cli(["apply", "--auto-approve"], cwd=root, env=env)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert "update  connection.magento-prod" in applied.stdout
        again = cli(["plan", "--detailed-exitcode"], cwd=root, env=env)
        assert again.returncode == 0, again.stdout + again.stderr
    with open_store(url, workspace="default", key=key) as store:
        after = store.snapshot()
    assert after.serial == 7
    assert after.records["connection.magento-prod"].spec["spec"]["advanced"]["timeoutSeconds"] == 20
    for address in ADDRESSES:
        if address != "connection.magento-prod":
            assert after.records[address] == snap.records[address]  # the 0.1 records are untouched
    versions = dict(raw_sql(url, "SELECT address, format_version FROM records"))
    assert versions.pop("connection.magento-prod") == 2  # rewritten in the current format
    assert set(versions.values()) == {1}
