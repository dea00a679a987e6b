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

import psycopg
import pytest

from provisioner.sandbox import SandboxConfig, running_sandbox
from provisioner.sandbox.agent_proxy import running_agent_proxy
from provisioner.sandbox.integrations import load_integrations
from provisioner.secrets.keys import read_key_file
from provisioner.state import open_store

Cli = Callable[..., CompletedProcess[str]]
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "state-0.1"
SANDBOX_PORT, AGENT_PORT = 18391, 18392  # written in the fixture's declarations (baseUri, proxyUrl)
ADDRESSES = ["agent.dc1", "connection.magento-legacy-rsa", "connection.magento-prod", "connection.magento-reporting",
             "connection.magento-warehouse"]


@contextlib.contextmanager
def _servers() -> Iterator[None]:
    integrations = load_integrations(FIXTURE / "sandbox-integrations.yaml").integrations
    try:
        with running_sandbox(SandboxConfig(integrations, port=SANDBOX_PORT)), \
                running_agent_proxy({"magento.dc1.internal": ("127.0.0.1", SANDBOX_PORT)}, port=AGENT_PORT):
            yield
    except OSError as exc:
        pytest.fail(f"the 0.1 fixture needs 127.0.0.1:{SANDBOX_PORT} and :{AGENT_PORT} free "
                    f"(its declarations point there): {exc}")


def load_postgres_dump(url: str) -> None:
    """Run the pg_dump script, leaving out psql's own meta-commands (pg_dump 15.14+ writes ``\\restrict``)."""
    text = (FIXTURE / "state-postgres.sql").read_text(encoding="utf-8")
    sql = "\n".join(line for line in text.splitlines() if not line.startswith("\\"))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.encode("utf-8"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE / "connections", root / "connections")
    shutil.copy(FIXTURE / "provisioner.yaml", root / "provisioner.yaml")
    if request.param == "sqlite":
        (root / ".provisioner").mkdir()
        shutil.copy(FIXTURE / "state.db", root / ".provisioner" / "state.db")
        url = f"sqlite:///{root / '.provisioner' / 'state.db'}"
    else:
        url = str(request.getfixturevalue("postgres_url"))
        load_postgres_dump(url)
    env = {"PROVISIONER_STATE_URL": url, "PROVISIONER_STATE_KEY_FILE": str(FIXTURE / "state.key"),
           "SOPS_AGE_KEY_FILE": str(FIXTURE / "age.key"), "PROVISIONER_STATE_KEY": "",
           "PROVISIONER_WORKSPACE": "", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    return root, env


def test_a_0_1_state_opens_verifies_plans_clean_tests_and_takes_an_edit(cli: Cli, project: tuple[Path, dict[str, str]],
                                                                         ) -> None:
    root, env = project
    url, key = env["PROVISIONER_STATE_URL"], read_key_file(FIXTURE / "state.key")
    with open_store(url, workspace="default", key=key) as store:
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
