"""``provisioner.open_connection``: a signed session bound to an applied connection, holding no secret as text."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest
import requests

import provisioner
from provisioner.api import ConnectionSession, ForeignUrlError
from provisioner.errors import ProvisionerError
from tests.e2e.api.fleet import applied_fleet
from tests.support.cli import REPO_ROOT, run_cli_inprocess
from tests.support.magento import Creds
from tests.support.project import summary

PING = "/V1/store/storeConfigs"


@pytest.fixture
def fleet(tmp_path, monkeypatch):
    with applied_fleet(tmp_path) as fleet:
        for name in ("PROVISIONER_STATE_KEY", "PROVISIONER_STATE_URL", "SOPS_AGE_KEY_FILE"):
            monkeypatch.setenv(name, fleet.project.env[name])
        yield fleet


def texts_reachable_from(obj, depth=4, seen=None):
    """repr of ``obj`` and of everything reachable through its attributes, mappings and sequences."""
    seen = set() if seen is None else seen
    if id(obj) in seen or depth < 0:
        return []
    seen.add(id(obj))
    found = [repr(obj)]
    children = []
    if isinstance(obj, dict):
        children = [*obj.keys(), *obj.values()]
    elif isinstance(obj, (list, tuple, set, frozenset)):
        children = list(obj)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type):
        children = list(vars(obj).values())
    for child in children:
        found += texts_reachable_from(child, depth - 1, seen)
    return found


@pytest.mark.parametrize("name", ["shop", "signed", "bearer", "plant"])
def test_each_way_of_signing_gets_an_answer(fleet, name):
    with provisioner.open_connection(name, project=fleet.project.root) as session:
        assert isinstance(session, requests.Session)
        response = session.get(PING)
        assert response.status_code == 200, response.text
        assert isinstance(response.json(), list)
        again = session.get(PING.lstrip("/"))  # relative with or without the leading slash
        assert again.status_code == 200
        fleet.project.assert_no_secret(*texts_reachable_from(session), *texts_reachable_from(response),
                                       repr(response.request.headers))
    assert fleet.proxied == ([f"/rest{PING}"] * 2 if name == "plant" else [])


def test_the_session_carries_the_declaration_settings(fleet):
    with provisioner.open_connection("plant", project=fleet.project.root) as session:
        assert isinstance(session, ConnectionSession)
        assert session.base_uri == fleet.base_uri.rstrip("/")
        assert session.default_timeout == 30
        assert session.verify is True
        assert session.proxies["http"].startswith("http://127.0.0.1:")
        assert "plant" in repr(session) and "HMAC-SHA256" in repr(session)


def test_an_absolute_url_under_the_base_uri_works_and_any_other_is_refused(fleet):
    with provisioner.open_connection("shop", project=fleet.project.root) as session:
        assert session.get(fleet.base_uri + PING).status_code == 200
        port = int(fleet.base_uri.split(":")[2].split("/")[0])
        other_port = fleet.base_uri.replace(f":{port}", f":{port % 60000 + 1}")
        for url in ("http://example.com/rest" + PING, fleet.base_uri.replace("127.0.0.1", "localhost") + PING,
                    other_port + PING, fleet.base_uri.replace("/rest", "/admin"), "//example.com/x",
                    fleet.base_uri.replace(f":{port}", ":99999") + PING):
            with pytest.raises(ForeignUrlError) as refused:
                session.get(url)
            fleet.project.assert_no_secret(str(refused.value), repr(refused.value))
        with pytest.raises(ForeignUrlError):  # a prepared request built elsewhere gets the same check
            session.send(requests.Request("GET", "http://example.com/").prepare())


def test_errors_name_no_secret(fleet, tmp_path):
    with pytest.raises(ProvisionerError) as unknown:
        provisioner.open_connection("nope", project=fleet.project.root)
    assert unknown.value.code == "unknown-connection" and "shop" in (unknown.value.hint or "")

    down = Creds.fresh("CANARY")
    fleet.project.write_connection("down", "http://127.0.0.1:9/rest", down)  # nothing listens there
    applied = run_cli_inprocess(["apply", "--auto-approve", "--skip-test", "--target", "down"],
                                cwd=fleet.project.root, env=fleet.project.env)
    assert applied.returncode == 0, summary(applied)
    with provisioner.open_connection("down", project=fleet.project.root) as session:
        with pytest.raises(requests.ConnectionError) as failed:
            session.get(PING)
        error = failed.value
        fleet.project.assert_no_secret(str(error), repr(error), repr(error.request.headers),
                                       *texts_reachable_from(error), *texts_reachable_from(session))
        assert error.request.headers["Authorization"] == "[hidden]"


def test_a_revoked_token_and_an_inactive_integration_answer_as_magento_does(fleet):
    """The session hands back Magento's answer; nothing reachable from it holds a secret."""
    with provisioner.open_connection("shop", project=fleet.project.root) as shop, \
            provisioner.open_connection("signed", project=fleet.project.root) as signed:
        assert shop.get(PING).status_code == 200
        fleet.sandbox.revoke_token("erp")
        fleet.sandbox.deactivate("pim")
        revoked, inactive = shop.get(PING), signed.get(PING)
        assert revoked.status_code == 401 and revoked.json() == {"message": "Access token has been revoked"}
        assert inactive.status_code == 401
        assert inactive.json()["message"] == "The consumer isn't authorized to access %resources."
        fleet.project.assert_no_secret(*texts_reachable_from(shop), *texts_reachable_from(revoked),
                                       *texts_reachable_from(inactive), repr(revoked.request.headers))


def test_state_errors_name_no_secret_nor_the_state_key(fleet, monkeypatch):
    from tests.integration.state.helpers import raw_sql

    project = fleet.project
    project.secrets.add(project.env["PROVISIONER_STATE_KEY"])
    errors = []
    monkeypatch.setenv("PROVISIONER_STATE_KEY", base64.b64encode(b"k" * 32).decode())  # a wrong key
    with pytest.raises(ProvisionerError) as wrong:
        provisioner.open_connection("shop", project=project.root)
    errors.append(wrong.value)
    monkeypatch.setenv("PROVISIONER_STATE_KEY", project.env["PROVISIONER_STATE_KEY"])
    monkeypatch.setenv("PROVISIONER_WORKSPACE", "elsewhere")
    with pytest.raises(ProvisionerError) as missing:
        provisioner.open_connection("shop", project=project.root)
    errors.append(missing.value)
    monkeypatch.delenv("PROVISIONER_WORKSPACE")
    raw_sql(project.state_url, "UPDATE records SET applied_by = 'mallory@elsewhere' WHERE address = ?",
            ("connection.shop",))
    with pytest.raises(ProvisionerError) as tampered:
        provisioner.open_connection("shop", project=project.root)
    errors.append(tampered.value)
    assert len({e.code for e in errors}) == 3, [e.code for e in errors]
    for error in errors:
        project.assert_no_secret(str(error), repr(error), error.message, error.hint or "",
                                 *texts_reachable_from(error))


def test_no_project_is_an_error(tmp_path):
    with pytest.raises(ProvisionerError) as missing:
        provisioner.open_connection("shop", project=tmp_path)
    assert missing.value.code == "no-project"


def test_import_provisioner_stays_cheap():
    code = ("import sys, provisioner; heavy = [m for m in ('requests', 'provisioner.api', 'provisioner.state') "
            "if m in sys.modules]; print(heavy); print(callable(provisioner.open_connection))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "True"]


def test_tls_settings_come_from_the_declaration(tmp_path, monkeypatch):
    from provisioner.sandbox import SandboxConfig, running_sandbox
    from tests.support.project import Project

    creds = Creds.fresh("CANARY")
    with running_sandbox(SandboxConfig((creds.integration(),), tls=True)) as sb:
        project = Project.create(tmp_path)
        project.write_connection("trusted", sb.base_uri, creds)
        project.edit("trusted", "timeoutSeconds: 30", f"timeoutSeconds: 30\n        caBundle: {sb.ca_file}")
        project.write_connection("untrusted", sb.base_uri, creds)
        applied = run_cli_inprocess(["apply", "--auto-approve", "--target", "trusted"], cwd=project.root,
                                    env=project.env)
        assert applied.returncode == 0, summary(applied)
        skipped = run_cli_inprocess(["apply", "--auto-approve", "--skip-test", "--target", "untrusted"],
                                    cwd=project.root, env=project.env)
        assert skipped.returncode == 0, summary(skipped)
        for name in ("PROVISIONER_STATE_KEY", "PROVISIONER_STATE_URL"):
            monkeypatch.setenv(name, project.env[name])
        with provisioner.open_connection("trusted", project=project.root) as session:
            assert session.verify == str(sb.ca_file)
            assert session.get(PING).status_code == 200
        with provisioner.open_connection("untrusted", project=project.root) as session:
            with pytest.raises(requests.exceptions.SSLError) as refused:
                session.get(PING)
            project.assert_no_secret(str(refused.value), repr(refused.value), repr(refused.value.request.headers))
