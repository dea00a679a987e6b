"""The seam of ``provisioner test``: decrypted Connection models in, a report out (and its rendering)."""

from __future__ import annotations

import json

import pytest

from provisioner.commands.probe import run_probes
from provisioner.declarations.models import Agent
from provisioner.errors import ConfigError
from provisioner.probe import Outcome, UnreachableReason
from provisioner.render.probe import print_report
from tests.support.magento import Creds, connection
from tests.support.proxy import forwarding_proxy


def agent(name, proxy_url):
    return Agent.model_validate({"apiVersion": "provisioner/v1", "kind": "Agent", "metadata": {"name": name},
                                 "spec": {"accessToken": "agent-token", "proxyUrl": proxy_url}})


def test_all_connections_tested_in_name_order(sandbox, creds):
    wrong = Creds(creds.consumer_key, "x" * 32, creds.access_token, creds.token_secret, creds.keys)
    conns = [connection("b-shop", sandbox.base_uri, creds, "HMAC-SHA512"),
             connection("a-shop", sandbox.base_uri, wrong, "HMAC-SHA256"),
             connection("c-shop", sandbox.base_uri, creds, "RSA-SHA256")]
    report = run_probes(conns, parallelism=3)
    assert [r.name for r in report.results] == ["a-shop", "b-shop", "c-shop"]
    assert [r.outcome for r in report.results] == [Outcome.UNAUTHORIZED, Outcome.OK, Outcome.OK]
    assert not report.ok and [r.name for r in report.failed] == ["a-shop"]


def test_named_connections_only_and_unknown_names_refused(sandbox, creds):
    conns = [connection("a", sandbox.base_uri, creds), connection("b", sandbox.base_uri, creds)]
    report = run_probes(conns, names=["b"])
    assert [r.name for r in report.results] == ["b"] and report.ok
    with pytest.raises(ConfigError, match="no connection named zzz"):
        run_probes(conns, names=["zzz"])


def test_on_premise_connection_goes_through_its_agent_proxy(sandbox, creds):
    with forwarding_proxy() as (proxy_url, seen):
        conn = connection("plant", sandbox.base_uri, creds, mode="on-premise", agent="dc1")
        report = run_probes([conn], [agent("dc1", proxy_url)])
    assert report.ok, report.results
    assert seen == ["/rest/V1/store/storeConfigs"]


def test_unreachable_agent_proxy_is_reported(sandbox, creds):
    conn = connection("plant", sandbox.base_uri, creds, mode="on-premise", agent="dc1")
    (result,) = run_probes([conn], [agent("dc1", "http://127.0.0.1:9")]).results
    assert (result.outcome, result.reason) == (Outcome.UNREACHABLE, UnreachableReason.PROXY)


def test_on_premise_without_its_agent_is_a_config_error(sandbox, creds):
    conn = connection("plant", sandbox.base_uri, creds, mode="on-premise", agent="dc9")
    with pytest.raises(ConfigError, match="agent 'dc9' is not declared"):
        run_probes([conn])


def test_report_renders_one_line_per_connection_and_json(sandbox, creds, capsys):
    conns = [connection("ok-shop", sandbox.base_uri, creds),
             connection("lost-shop", sandbox.origin, creds)]
    report = run_probes(conns)
    print_report(report, "human")
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("FAIL lost-shop") and "not-found HTTP 404" in lines[0]
    assert lines[1].strip().startswith("hint:") and "/rest" in lines[1]
    assert lines[2].startswith("ok   ok-shop") and " ms " in lines[2]
    assert "connections: 1 ok, 1 failed" in err
    print_report(report, "json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False and payload["failed"] == 1
    assert payload["results"][0]["outcome"] == "not-found" and payload["results"][0]["status_code"] == 404
