"""integrator.io target settings, and the client's token check and retries against the contract server."""

from __future__ import annotations

import logging

import pytest

from provisioner.config import load_config
from provisioner.errors import ConfigError
from provisioner.targets import TargetError, target_for
from provisioner.targets.integratorio.client import Client
from provisioner.targets.integratorio.config import REGIONS, TOKEN_ENV
from tests.support.integratorio_server import running_integratorio


def target_of(tmp_path, text: str):
    (tmp_path / "provisioner.yaml").write_text(text, encoding="utf-8")
    return target_for(load_config(tmp_path))


@pytest.mark.parametrize(("text", "url", "sandbox"), [
    ("target: integratorio\n", REGIONS["us"], False),
    ("target: {type: integratorio, region: eu}\n", REGIONS["eu"], False),
    ("target: {type: integratorio, url: 'http://127.0.0.1:9/v1/', sandbox: true}\n", "http://127.0.0.1:9", True),
])
def test_settings_as_the_issue_gives_them(tmp_path, text, url, sandbox):
    target = target_of(tmp_path, text)
    assert target.name == "integratorio" and target.capabilities.reads_back
    assert (target.settings.url, target.settings.sandbox) == (url, sandbox)


@pytest.mark.parametrize(("text", "match"), [
    ("target: {type: integratorio, region: asia}\n", "region must be one of us, eu"),
    ("target: {type: integratorio, token: abc}\n", f"unknown option.*token.*{TOKEN_ENV}"),
    ("target: {type: integratorio, url: ftp://x}\n", "url must be an http"),
    ("target: {type: integratorio, sandbox: 'yes'}\n", "sandbox must be true or false"),
])
def test_bad_settings_are_config_errors(tmp_path, text, match):
    with pytest.raises(ConfigError, match=match):
        target_of(tmp_path, text)


def test_a_missing_or_rejected_token_names_the_variable():
    with running_integratorio() as (server, account):
        with pytest.raises(TargetError, match=f"{TOKEN_ENV} is not set"):
            Client(server.origin, environ={}).check_token()
        with pytest.raises(TargetError, match=f"rejected the API token in {TOKEN_ENV}") as caught:
            Client(server.origin, environ={TOKEN_ENV: "wrong"}).check_token()
        assert "wrong" not in caught.value.message and caught.value.status == 401
        client = Client(server.origin, environ={TOKEN_ENV: account.token})
        client.call("GET", "/v1/connections")
        client.call("GET", "/v1/agents")
        checks = [r for r in account.requests("GET", "/v1/tokenInfo") if r.authorization.endswith(account.token)]
        assert len(checks) == 1  # checked once


def test_429_waits_retry_after_and_503_backs_off_then_succeeds(caplog):
    with running_integratorio() as (server, account):
        client = Client(server.origin, environ={TOKEN_ENV: account.token}, backoff_s=0.01)
        client.check_token()
        account.inject(429, retry_after=1, path="/v1/connections")
        account.inject(503, count=2, path="/v1/connections")
        with caplog.at_level(logging.WARNING, "provisioner.targets.integratorio"):
            assert client.call("GET", "/v1/connections").status_code == 204
        assert client.retries == 3
        lines = [r.getMessage() for r in caplog.records]
        assert any("HTTP 429, retry 1 in 1.0s" in line for line in lines), lines
        assert sum("HTTP 503" in line for line in lines) == 2
        assert not any(account.token in line for line in lines)


def test_retries_stop_at_the_deadline_and_return_the_last_answer():
    with running_integratorio() as (server, account):
        client = Client(server.origin, environ={TOKEN_ENV: account.token}, deadline_s=0.0)
        client.check_token()
        account.inject(503, count=5, path="/v1/connections")
        assert client.call("GET", "/v1/connections").status_code == 503
        assert client.retries == 0
